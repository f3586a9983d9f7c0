-- ARGV: key. 1 when it was dead and is pending again, due now.
local state = known(ARGV[1])
if not state or state.s ~= 'dead' then
  return 0
end
-- The last error stays: what the action died of, until a try fails anew.
save(ARGV[1], { s = 'pending', n = 0, t = now, at = now, e = state.e })
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1
