-- Extends the lease $2 on $1 to $3 seconds from now.
UPDATE {schema}.actions SET at = now() + make_interval(secs => $3)
WHERE key = $1 AND state = 'running' AND lease = $2
