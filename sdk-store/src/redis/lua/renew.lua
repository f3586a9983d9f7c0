-- ARGV: key, lease token, lease (ms). 1 when the lease held it.
local state = held(ARGV[1], ARGV[2])
if not state then
  return 0
end
state.at = now + tonumber(ARGV[3])
save(ARGV[1], state)
redis.call('ZADD', KEYS[1], state.at, ARGV[1])
return 1
