-- ARGV: a batch of reservations in order, three arguments each: attempt,
-- hold (ms), limit ('' for none). Each attempt's number, reserving the
-- lowest free one the first time; -1 when none is left.
local answers = {}
for i = 1, #ARGV, 3 do
  local attempt = ARGV[i]
  local held = redis.call('HGET', KEYS[2], attempt)
  if held then
    answers[#answers + 1] = tonumber(held)
  else
    local number, freed = lowest_free()
    if ARGV[i + 2] ~= '' and number >= tonumber(ARGV[i + 2]) then
      answers[#answers + 1] = -1
    else
      if freed then
        redis.call('ZREM', KEYS[4], freed)
      else
        redis.call('SET', KEYS[1], number + 1)
      end
      redis.call('HSET', KEYS[2], attempt, number)
      redis.call('ZADD', KEYS[3], now + tonumber(ARGV[i + 1]), attempt)
      answers[#answers + 1] = number
    end
  end
end
return answers
