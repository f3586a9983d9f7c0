-- ARGV: key, lease token, retention (ms). 1 when the lease held it.
local state = held(ARGV[1], ARGV[2])
if not state then
  return 0
end
state.s = 'done'
state.l = nil
state.at = now + tonumber(ARGV[3])
save(ARGV[1], state)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], state.at, ARGV[1])
return 1
