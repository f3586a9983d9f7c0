-- KEYS: the delivery. ARGV: the lease token, retention (ms). 1 when the
-- lease held it and it is now done, remembered for the retention.
if redis.call('GET', KEYS[1]) == 'lease:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0
