-- ARGV: limit. Each dead action, in key order, as {key, payload, tries,
-- last error}.
local listed = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[5], 0, tonumber(ARGV[1]) - 1)) do
  local state = known(key)
  if state and state.s == 'dead' then
    listed[#listed + 1] = { key, redis.call('HGET', KEYS[2], key) or '', state.n, state.e or '' }
  end
end
return listed
