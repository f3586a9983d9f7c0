-- Marks delivery $1 done for $3 seconds, if lease $2 holds it unexpired.
UPDATE {schema}.deliveries SET lease = NULL, expires_at = now() + make_interval(secs => $3)
WHERE key = $1 AND lease = $2 AND expires_at > now()
