-- Extends the lease $2 on $1 to $3.
UPDATE claimkit_actions SET at = $3
WHERE action_key = $1 AND state = 'running' AND lease = $2
