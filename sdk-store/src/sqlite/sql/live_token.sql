-- The token attempt $1 holds, unexpired at $2.
SELECT token FROM claimkit_claim_tokens WHERE attempt_id = $1 AND expires_at > $2
