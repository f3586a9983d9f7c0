-- Hands the token holder $1 has, unexpired at $4, over to attempt $2, kept
-- until $3; returns it, or no row when the holder has none.
UPDATE claimkit_claim_tokens SET attempt_id = $2, expires_at = $3
WHERE attempt_id = $1 AND expires_at > $4
RETURNING token
