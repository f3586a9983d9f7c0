-- Forgets up to $2 tokens expired at $1.
DELETE FROM claimkit_claim_tokens WHERE attempt_id IN (
    SELECT attempt_id FROM claimkit_claim_tokens WHERE expires_at <= $1 LIMIT $2)
