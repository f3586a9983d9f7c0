-- Enqueues $1 with payload $2, due at $3, unless the key is known and not
-- expired; returns the key when it enqueued.
INSERT INTO claimkit_actions (action_key, payload, state, attempts, since, at)
VALUES ($1, $2, 'pending', 0, $3, $3)
ON CONFLICT (action_key) DO UPDATE
SET payload = excluded.payload, state = 'pending', attempts = 0, since = excluded.since,
    at = excluded.at, lease = NULL, last_error = NULL
WHERE claimkit_actions.state IN ('done', 'dead') AND claimkit_actions.at <= $3
RETURNING action_key
