-- Up to $3 actions in state $2 at time $1 (a done or dead one until it is
-- forgotten), by their time, then key. Reads only.
SELECT action_key AS key, state, payload, attempts, last_error, at - $1 AS at_ms,
    $1 - since AS age_ms
FROM claimkit_actions
WHERE state = $2 AND (state IN ('pending', 'running') OR at > $1)
ORDER BY at, action_key LIMIT $3
