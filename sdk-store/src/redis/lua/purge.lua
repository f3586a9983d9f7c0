-- ARGV: limit. Forgets up to `limit` done and dead actions whose retention
-- is up (tokens, leases and done deliveries are keys Redis expires
-- itself); answers how many.
return purge(tonumber(ARGV[1]))
