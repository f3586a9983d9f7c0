-- Moves $1 to state $3 (pending or dead) for $4 seconds, with error $5, if
-- lease $2 runs it.
UPDATE {schema}.actions
SET state = $3, lease = NULL, at = now() + make_interval(secs => $4), last_error = $5
WHERE key = $1 AND state = 'running' AND lease = $2
