-- Marks $1 done until $3, if lease $2 runs it.
UPDATE claimkit_actions SET state = 'done', lease = NULL, at = $3
WHERE action_key = $1 AND state = 'running' AND lease = $2
