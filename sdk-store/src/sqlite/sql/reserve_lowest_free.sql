-- Reserves the lowest free number of claim $1 for attempt $2 until $3, unless
-- the attempt holds one, and if it is below the limit $4 (none when NULL);
-- returns the number, or no row when the attempt holds one (held_number.sql)
-- or none is left.
INSERT INTO claimkit_claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, lowest.number, $2, $3
FROM (SELECT COALESCE(
        (SELECT MIN(number) FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id IS NULL),
        (SELECT MAX(number) + 1 FROM claimkit_claim_numbers WHERE claim_id = $1),
        0) AS number) AS lowest
WHERE ($4 IS NULL OR lowest.number < $4)
  AND NOT EXISTS (SELECT 1 FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id = $2)
ON CONFLICT (claim_id, number) DO UPDATE
SET attempt_id = excluded.attempt_id, expires_at = excluded.expires_at
RETURNING number
