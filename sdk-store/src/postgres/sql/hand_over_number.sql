-- Hands the reservation holder $2 has in claim $1 over to attempt $3, reserved
-- for $4 seconds from now; returns the number, or no row when the holder has
-- none.
UPDATE {schema}.claim_numbers
SET attempt_id = $3, expires_at = now() + make_interval(secs => $4)
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL
RETURNING number
