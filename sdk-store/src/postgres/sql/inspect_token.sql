-- The token of attempt key $1 now, and the milliseconds it is kept. Reads
-- only.
SELECT token, floor(extract(epoch FROM expires_at - now()) * 1000)::bigint AS expires_in_ms
FROM {schema}.claim_tokens WHERE attempt_id = $1 AND expires_at > now()
