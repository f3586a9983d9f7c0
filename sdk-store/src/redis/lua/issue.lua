-- KEYS: the attempt's token. ARGV: a new token, retention (ms). The
-- attempt's token, or the new one, kept for the retention.
local token = redis.call('GET', KEYS[1])
if token then
  return token
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
