-- KEYS: the claim's (see claim_prelude.lua). ARGV: bound ('' for none),
-- limit. Reads only: an expired reservation counts as free, and stays for
-- the next write to free. {next, confirmed, held, {{number, attempt, time
-- left (ms), -1 once confirmed}, ...}} below the bound, lowest first.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bound = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[2])
local numbers = {}
local confirmed, held = 0, 0
for i = 1, #all, 2 do
  local attempt, number = all[i], tonumber(all[i + 1])
  if not bound or number < bound then
    local deadline = redis.call('ZSCORE', KEYS[3], attempt)
    if not deadline then
      confirmed = confirmed + 1
      numbers[#numbers + 1] = { number, attempt, -1 }
    elseif tonumber(deadline) > now then
      held = held + 1
      numbers[#numbers + 1] = { number, attempt, tonumber(deadline) - now }
    end
  end
end
table.sort(numbers, function(a, b) return a[1] < b[1] end)
local listed = {}
for i = 1, math.min(#numbers, tonumber(ARGV[2])) do
  listed[i] = numbers[i]
end
return { tonumber(redis.call('GET', KEYS[1]) or '0'), confirmed, held, listed }
