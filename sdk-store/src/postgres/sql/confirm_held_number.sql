-- Makes attempt $2's number in claim $1 permanent (its claim's expired
-- reservations were freed before).
UPDATE {schema}.claim_numbers SET expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2
