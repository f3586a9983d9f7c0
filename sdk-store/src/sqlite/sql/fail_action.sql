-- Moves $1 to state $3 (pending or dead) at $4, with error $5, if lease $2
-- runs it.
UPDATE claimkit_actions SET state = $3, lease = NULL, at = $4, last_error = $5
WHERE action_key = $1 AND state = 'running' AND lease = $2
