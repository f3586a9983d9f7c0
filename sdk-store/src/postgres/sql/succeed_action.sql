-- Marks $1 done for $3 seconds, if lease $2 runs it.
UPDATE {schema}.actions SET state = 'done', lease = NULL, at = now() + make_interval(secs => $3)
WHERE key = $1 AND state = 'running' AND lease = $2
