-- ARGV: attempt, number. Confirms the number for the attempt when it is free
-- or was never handed out (the numbers skipped below it become free); 1 when
-- the attempt holds it confirmed now, 0 when it holds another or another
-- attempt holds this one.
local number = tonumber(ARGV[2])
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  if tonumber(held) ~= number then
    return 0
  end
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if number < next then
  if redis.call('ZREM', KEYS[4], ARGV[2]) == 0 then
    return 0
  end
else
  for skipped = next, number - 1 do
    redis.call('ZADD', KEYS[4], skipped, skipped)
  end
  redis.call('SET', KEYS[1], number + 1)
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
