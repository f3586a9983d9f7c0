-- KEYS: the claim's (see claim_prelude.lua). ARGV: attempt. Reads only. The
-- attempt's number and the time left of its reservation (ms; -1 once
-- confirmed), or nil (an expired reservation holds nothing).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local number = redis.call('HGET', KEYS[2], ARGV[1])
if not number then
  return false
end
local deadline = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not deadline then
  return { tonumber(number), -1 }
end
if tonumber(deadline) <= now then
  return false
end
return { tonumber(number), tonumber(deadline) - now }
