-- Hands the reservation holder $2 has in claim $1 over to attempt $3, reserved
-- until $4 (after the sweep, every row with a holder is unexpired); returns
-- the number, or no row when the holder has none.
UPDATE claimkit_claim_numbers SET attempt_id = $3, expires_at = $4
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL
RETURNING number
