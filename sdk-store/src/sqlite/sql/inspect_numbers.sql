-- Up to $4 numbers of claim $1 held at time $2 below $3, lowest first, each
-- with its attempt and the time left of its reservation (NULL: confirmed).
-- Reads only.
SELECT number, attempt_id, expires_at - $2 AS expires_in_ms
FROM claimkit_claim_numbers
WHERE claim_id = $1 AND attempt_id IS NOT NULL AND (expires_at IS NULL OR expires_at > $2)
  AND number < $3
ORDER BY number LIMIT $4
