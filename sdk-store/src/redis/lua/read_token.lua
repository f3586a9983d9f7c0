-- KEYS: a token's key. The token, or nil.
return redis.call('GET', KEYS[1])
