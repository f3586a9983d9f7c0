-- ARGV: limit, lease (ms), then one fresh lease token per action taken.
-- Each taken action as {key, payload, try, age (ms), lease}.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local taken = {}
for i, key in ipairs(due) do
  local state = load(key)
  if state and (state.s == 'pending' or state.s == 'running') then
    state.s = 'running'
    state.n = state.n + 1
    state.l = ARGV[2 + i]
    state.at = now + tonumber(ARGV[2])
    save(key, state)
    redis.call('ZADD', KEYS[1], state.at, key)
    taken[#taken + 1] = { key, redis.call('HGET', KEYS[2], key) or '', state.n, now - state.t, state.l }
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return taken
