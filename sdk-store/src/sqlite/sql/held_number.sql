-- The number attempt $2 holds in claim $1 (after the sweep, every row with an
-- attempt holds its number).
SELECT number FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id = $2
