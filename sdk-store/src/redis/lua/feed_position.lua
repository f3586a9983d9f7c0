-- KEYS[1]: a claim's feed position. The position, or nil when none.
return redis.call('GET', KEYS[1])
