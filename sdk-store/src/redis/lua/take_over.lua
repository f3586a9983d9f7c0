-- ARGV: holder ('' for none), attempt, hold (ms). The number the attempt
-- holds; else the holder's pending reservation, handed over to the attempt
-- for the hold; else -1.
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then
  return tonumber(held)
end
if ARGV[1] == '' or not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  return -1
end
local number = redis.call('HGET', KEYS[2], ARGV[1])
if not number then
  return -1
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], number)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[2])
return tonumber(number)
