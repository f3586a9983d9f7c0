-- ARGV: a batch of reservations in order, four arguments each: attempt,
-- holder ('' for none), hold (ms), limit ('' for none). Each attempt's
-- number: the one it holds; else the holder's pending one, handed over to
-- the attempt (as take_over.lua); else the lowest free one, reserved; -1
-- when none is left.
local answers = {}
for i = 1, #ARGV, 4 do
  local attempt, holder = ARGV[i], ARGV[i + 1]
  local hold = tonumber(ARGV[i + 2])
  local held = redis.call('HGET', KEYS[2], attempt)
  local handed = nil
  if not held and holder ~= '' and redis.call('ZSCORE', KEYS[3], holder) then
    handed = redis.call('HGET', KEYS[2], holder)
  end
  if held then
    answers[#answers + 1] = tonumber(held)
  elseif handed then
    redis.call('HDEL', KEYS[2], holder)
    redis.call('ZREM', KEYS[3], holder)
    redis.call('HSET', KEYS[2], attempt, handed)
    redis.call('ZADD', KEYS[3], now + hold, attempt)
    answers[#answers + 1] = tonumber(handed)
  else
    local number, freed = lowest_free()
    if ARGV[i + 3] ~= '' and number >= tonumber(ARGV[i + 3]) then
      answers[#answers + 1] = -1
    else
      if freed then
        redis.call('ZREM', KEYS[4], freed)
      else
        redis.call('SET', KEYS[1], number + 1)
      end
      redis.call('HSET', KEYS[2], attempt, number)
      redis.call('ZADD', KEYS[3], now + hold, attempt)
      answers[#answers + 1] = number
    end
  end
end
return answers
