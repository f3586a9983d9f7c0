-- The number attempt $2 holds in claim $1 now, with the milliseconds left of
-- its reservation (NULL: confirmed). Reads only.
SELECT number, attempt_id,
    floor(extract(epoch FROM expires_at - now()) * 1000)::bigint AS expires_in_ms
FROM {schema}.claim_numbers
WHERE claim_id = $1 AND attempt_id = $2 AND (expires_at IS NULL OR expires_at > now())
