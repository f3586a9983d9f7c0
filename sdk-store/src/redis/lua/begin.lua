-- KEYS: the delivery. ARGV: a new lease token, lease (ms). 'leased' (under
-- the new token, until the lease ends), 'in-flight' or 'done'.
local state = redis.call('GET', KEYS[1])
if not state then
  redis.call('SET', KEYS[1], 'lease:' .. ARGV[1], 'PX', ARGV[2])
  return 'leased'
end
if state == 'done' then
  return 'done'
end
return 'in-flight'
