-- ARGV: attempt, hold (ms), limit ('' for none). The attempt's number,
-- reserving the lowest free one the first time; -1 when none is left.
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  return tonumber(held)
end
local number, freed = lowest_free()
if ARGV[3] ~= '' and number >= tonumber(ARGV[3]) then
  return -1
end
if freed then
  redis.call('ZREM', KEYS[4], freed)
else
  redis.call('SET', KEYS[1], number + 1)
end
redis.call('HSET', KEYS[2], ARGV[1], number)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
return number
