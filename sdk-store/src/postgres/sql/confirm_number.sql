-- Makes attempt $2's unexpired reservation in claim $1 permanent.
UPDATE {schema}.claim_numbers SET expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at > now()
