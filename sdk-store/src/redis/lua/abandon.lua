-- KEYS: the delivery. ARGV: the lease token. 1 when the lease held it and
-- it is now free for its next delivery.
if redis.call('GET', KEYS[1]) == 'lease:' .. ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
