-- Remembers token $2 for attempt $1 until $3, unless the attempt has a token
-- that is unexpired at $4.
INSERT INTO claimkit_claim_tokens (attempt_id, token, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (attempt_id) DO UPDATE
SET token = excluded.token, expires_at = excluded.expires_at
WHERE claimkit_claim_tokens.expires_at <= $4
