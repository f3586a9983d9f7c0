-- Enqueues $1 with payload $2, due now, unless the key is known and not
-- expired; returns the key when it enqueued.
INSERT INTO {schema}.actions AS a (key, payload, state, attempts, since, at)
VALUES ($1, $2, 'pending', 0, now(), now())
ON CONFLICT (key) DO UPDATE SET
    payload = EXCLUDED.payload, state = 'pending', attempts = 0, since = now(), at = now(),
    lease = NULL, last_error = NULL
WHERE a.state IN ('done', 'dead') AND a.at <= now()
RETURNING key
