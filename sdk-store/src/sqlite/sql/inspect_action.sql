-- Action $2 at time $1 (a done or dead one until it is forgotten). Reads only.
SELECT action_key AS key, state, payload, attempts, last_error, at - $1 AS at_ms,
    $1 - since AS age_ms
FROM claimkit_actions
WHERE action_key = $2 AND (state IN ('pending', 'running') OR at > $1)
