-- The start of every script on one claim's pool. KEYS: next, held, pending,
-- free. Frees the reservations whose time is up, by Redis' own clock, and
-- sets `now` (milliseconds).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, attempt in ipairs(due) do
  local number = redis.call('HGET', KEYS[2], attempt)
  if number then
    redis.call('HDEL', KEYS[2], attempt)
    redis.call('ZADD', KEYS[4], number, number)
  end
end
if #due > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
end
-- The lowest free number: the lowest freed one, else the next never handed out.
local function lowest_free()
  local free = redis.call('ZRANGE', KEYS[4], 0, 0)
  if free[1] then
    return tonumber(free[1]), free[1]
  end
  return tonumber(redis.call('GET', KEYS[1]) or '0'), nil
end
