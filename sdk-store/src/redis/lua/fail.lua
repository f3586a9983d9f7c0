-- ARGV: key, lease token, 'pending' or 'dead', after (ms), error. 1 when
-- the lease held it.
local state = held(ARGV[1], ARGV[2])
if not state then
  return 0
end
state.s = ARGV[3]
state.l = nil
state.e = ARGV[5]
state.at = now + tonumber(ARGV[4])
save(ARGV[1], state)
if state.s == 'dead' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[4], state.at, ARGV[1])
  redis.call('ZADD', KEYS[5], 0, ARGV[1])
else
  redis.call('ZADD', KEYS[1], state.at, ARGV[1])
end
return 1
