-- Up to $2 actions in state $1 now (a done or dead one until it is
-- forgotten), by their time, then key; times in milliseconds from now.
-- Reads only.
SELECT key, state, payload, attempts::bigint AS attempts, last_error,
    floor(extract(epoch FROM at - now()) * 1000)::bigint AS at_ms,
    floor(extract(epoch FROM now() - since) * 1000)::bigint AS age_ms
FROM {schema}.actions
WHERE state = $1 AND (state IN ('pending', 'running') OR at > now())
ORDER BY at, key LIMIT $2
