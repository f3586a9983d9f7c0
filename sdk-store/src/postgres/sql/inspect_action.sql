-- Action $1 now (a done or dead one until it is forgotten); times in
-- milliseconds from now. Reads only.
SELECT key, state, payload, attempts::bigint AS attempts, last_error,
    floor(extract(epoch FROM at - now()) * 1000)::bigint AS at_ms,
    floor(extract(epoch FROM now() - since) * 1000)::bigint AS age_ms
FROM {schema}.actions
WHERE key = $1 AND (state IN ('pending', 'running') OR at > now())
