-- KEYS: a token or a delivery. Reads only. Its value and the milliseconds
-- Redis keeps it, or nil.
local value = redis.call('GET', KEYS[1])
if not value then
  return false
end
return { value, redis.call('PTTL', KEYS[1]) }
