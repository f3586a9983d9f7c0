-- The number attempt $2 holds in claim $1 (after the claim's expired
-- reservations were freed, every row holds its number).
SELECT number FROM {schema}.claim_numbers WHERE claim_id = $1 AND attempt_id = $2
