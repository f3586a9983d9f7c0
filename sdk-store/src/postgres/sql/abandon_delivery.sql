-- Frees delivery $1, if lease $2 holds it unexpired.
DELETE FROM {schema}.deliveries WHERE key = $1 AND lease = $2 AND expires_at > now()
