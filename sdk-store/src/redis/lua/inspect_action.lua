-- KEYS: the queue's (see queue_prelude.lua). ARGV: key. Reads only. The
-- action (unless forgotten) as {state, payload or nil, tries, last error or
-- nil, time from now (ms), age (ms)}, or nil.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then
  return false
end
local state = cjson.decode(raw)
if (state.s == 'done' or state.s == 'dead') and state.at <= now then
  return false
end
return { state.s, redis.call('HGET', KEYS[2], ARGV[1]), state.n, state.e or false,
  state.at - now, now - state.t }
