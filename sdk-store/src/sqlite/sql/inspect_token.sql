-- The token of attempt key $1 at time $2, and the time it is kept. Reads only.
SELECT token, expires_at - $2 AS expires_in_ms
FROM claimkit_claim_tokens WHERE attempt_id = $1 AND expires_at > $2
