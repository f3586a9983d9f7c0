-- ARGV: attempt. A pending reservation becomes permanent.
return redis.call('ZREM', KEYS[3], ARGV[1])
