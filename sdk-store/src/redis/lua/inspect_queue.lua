-- KEYS: the queue's (see queue_prelude.lua). Reads only. The queue's depth
-- as {due, waiting, running, dead, how long the action due longest has
-- been due (ms; -1 when none is)}. Due actions are counted by their time
-- alone; the ones not due yet are read to tell waiting from running, and
-- the done and dead ones past their time (not purged yet) to leave those
-- dead ones out.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZCOUNT', KEYS[1], '-inf', now)
local oldest = -1
if due > 0 then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  oldest = now - tonumber(first[2])
end
local waiting, running = 0, 0
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  local raw = redis.call('HGET', KEYS[3], key)
  if raw then
    if cjson.decode(raw).s == 'running' then
      running = running + 1
    else
      waiting = waiting + 1
    end
  end
end
local dead = redis.call('ZCARD', KEYS[5])
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)) do
  if redis.call('ZSCORE', KEYS[5], key) then
    dead = dead - 1
  end
end
return { due, waiting, running, dead, oldest }
