-- The number attempt $2 holds in claim $1 at time $3, with the time left of
-- its reservation (NULL: confirmed). Reads only.
SELECT number, attempt_id, expires_at - $3 AS expires_in_ms
FROM claimkit_claim_numbers
WHERE claim_id = $1 AND attempt_id = $2 AND (expires_at IS NULL OR expires_at > $3)
