-- Confirms number $2 of claim $1 for attempt $3 when it is free or was never
-- handed out (after the sweep, a row with an attempt is held); returns the
-- number, or no row when another attempt holds it.
INSERT INTO claimkit_claim_numbers (claim_id, number, attempt_id, expires_at)
VALUES ($1, $2, $3, NULL)
ON CONFLICT (claim_id, number) DO UPDATE
SET attempt_id = excluded.attempt_id, expires_at = NULL
WHERE claimkit_claim_numbers.attempt_id IS NULL
RETURNING number
