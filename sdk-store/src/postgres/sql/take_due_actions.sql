-- Takes up to $1 due actions (pending and due, or running under an expired
-- lease), oldest first, each under a fresh lease of $2 seconds, skipping rows
-- another runner locks.
WITH due AS (
    SELECT key FROM {schema}.actions
    WHERE state IN ('pending', 'running') AND at <= now()
    ORDER BY at LIMIT $1
    FOR UPDATE SKIP LOCKED
)
UPDATE {schema}.actions AS a SET
    state = 'running', attempts = a.attempts + 1,
    lease = replace(gen_random_uuid()::text, '-', ''),
    at = now() + make_interval(secs => $2)
FROM due WHERE a.key = due.key
RETURNING a.key, a.payload, a.attempts, a.lease,
    extract(epoch FROM now() - a.since)::float8 AS age
