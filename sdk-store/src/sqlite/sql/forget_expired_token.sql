-- Forgets attempt $1's token if it expired at $2.
DELETE FROM claimkit_claim_tokens WHERE attempt_id = $1 AND expires_at <= $2
