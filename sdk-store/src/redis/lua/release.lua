-- ARGV: attempt. A pending reservation's number is free again.
if redis.call('ZREM', KEYS[3], ARGV[1]) == 1 then
  local number = redis.call('HGET', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  if number then
    redis.call('ZADD', KEYS[4], number, number)
  end
  return 1
end
return 0
