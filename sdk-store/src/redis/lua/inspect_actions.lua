-- KEYS: the queue's (see queue_prelude.lua). ARGV: state, limit. Reads
-- only. Up to `limit` actions in the state (a done or dead one until it is
-- forgotten), by their time, then key, each as {key, payload or nil, tries,
-- last error or nil, time from now (ms), age (ms)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wanted, limit = ARGV[1], tonumber(ARGV[2])
-- Pending and running actions are in the due times, done and dead ones in
-- the times they are forgotten: each by the time of its state.
local times = KEYS[1]
if wanted == 'done' or wanted == 'dead' then
  times = KEYS[4]
end
local listed = {}
local start = 0
while #listed < limit do
  local page = redis.call('ZRANGE', times, start, start + 99)
  if #page == 0 then
    break
  end
  for _, key in ipairs(page) do
    local raw = redis.call('HGET', KEYS[3], key)
    if raw then
      local state = cjson.decode(raw)
      local forgotten = (state.s == 'done' or state.s == 'dead') and state.at <= now
      if state.s == wanted and not forgotten and #listed < limit then
        listed[#listed + 1] = { key, redis.call('HGET', KEYS[2], key), state.n,
          state.e or false, state.at - now, now - state.t }
      end
    end
  end
  start = start + 100
end
return listed
