-- ARGV: key, payload. 1 when enqueued, 0 when the key is known.
if known(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
save(ARGV[1], { s = 'pending', n = 0, t = now, at = now })
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1
