-- ARGV: a batch of reservations in order, four arguments each: attempt,
-- holder ('' for none), hold (ms), limit ('' for none). Each attempt's
-- number: the one it holds; else the holder's pending one, handed over to
-- the attempt (as take_over.lua); else the lowest free one, reserved; -1
-- when none is left. The answer is one string, the numbers in the batch's
-- order separated by commas: one value to decode, not one per reservation.
--
-- The batch reads the attempts' held numbers in one call, the claim's next
-- number and freed numbers once, and writes what it changed at the end, a
-- call per key: a few calls per batch, not six per reservation. What it
-- changed stays in `held` and `pending` (a number or deadline, or false
-- once removed), which every later reservation of the batch reads first,
-- so each sees the ones before it as if they had been written.

-- Arguments to `command` on `key`, in calls of at most 1,000 arguments
-- (Lua's `unpack` is bounded).
local function call_in_parts(command, key, args)
  for first = 1, #args, 1000 do
    redis.call(command, key, unpack(args, first, math.min(first + 999, #args)))
  end
end

local count = #ARGV / 4
local attempts = {}
for i = 1, #ARGV, 4 do
  attempts[#attempts + 1] = ARGV[i]
end
local stored = {}
for first = 1, count, 1000 do
  local last = math.min(first + 999, count)
  local values = redis.call('HMGET', KEYS[2], unpack(attempts, first, last))
  for j = first, last do
    stored[attempts[j]] = values[j - first + 1]
  end
end

local held, pending = {}, {}
local function held_by(attempt)
  local number = held[attempt]
  if number == nil then
    number = stored[attempt]
  end
  if number == nil then
    number = redis.call('HGET', KEYS[2], attempt)
  end
  return number
end
local function is_pending(attempt)
  local deadline = pending[attempt]
  if deadline == nil then
    deadline = redis.call('ZSCORE', KEYS[3], attempt)
  end
  return deadline
end

-- The lowest free number: the lowest freed one not yet taken by the batch,
-- else the next never handed out.
local freed, taken, next_number = nil, 0, nil
local function lowest()
  if not freed then
    freed = redis.call('ZRANGE', KEYS[4], 0, count - 1)
  end
  if freed[taken + 1] then
    return tonumber(freed[taken + 1]), true
  end
  if not next_number then
    next_number = tonumber(redis.call('GET', KEYS[1]) or '0')
  end
  return next_number, false
end

local answers = {}
local next_changed = false
for i = 1, #ARGV, 4 do
  local attempt, holder = ARGV[i], ARGV[i + 1]
  local hold = tonumber(ARGV[i + 2])
  local number = held_by(attempt)
  local handed = nil
  if not number and holder ~= '' and is_pending(holder) then
    handed = held_by(holder)
  end
  if number then
    answers[#answers + 1] = number
  elseif handed then
    held[holder], pending[holder] = false, false
    held[attempt], pending[attempt] = handed, now + hold
    answers[#answers + 1] = handed
  else
    local lowest_number, was_freed = lowest()
    if ARGV[i + 3] ~= '' and lowest_number >= tonumber(ARGV[i + 3]) then
      answers[#answers + 1] = -1
    else
      if was_freed then
        taken = taken + 1
      else
        next_number = lowest_number + 1
        next_changed = true
      end
      held[attempt], pending[attempt] = lowest_number, now + hold
      answers[#answers + 1] = lowest_number
    end
  end
end

local set_held, removed_held, set_pending, removed_pending = {}, {}, {}, {}
for attempt, number in pairs(held) do
  if number then
    set_held[#set_held + 1] = attempt
    set_held[#set_held + 1] = number
  else
    removed_held[#removed_held + 1] = attempt
  end
end
for attempt, deadline in pairs(pending) do
  if deadline then
    set_pending[#set_pending + 1] = deadline
    set_pending[#set_pending + 1] = attempt
  else
    removed_pending[#removed_pending + 1] = attempt
  end
end
call_in_parts('HDEL', KEYS[2], removed_held)
call_in_parts('ZREM', KEYS[3], removed_pending)
call_in_parts('HSET', KEYS[2], set_held)
call_in_parts('ZADD', KEYS[3], set_pending)
local taken_freed = {}
for j = 1, taken do
  taken_freed[j] = freed[j]
end
call_in_parts('ZREM', KEYS[4], taken_freed)
if next_changed then
  redis.call('SET', KEYS[1], next_number)
end
-- Numbers as integers (`%d`: a Lua number's own form turns to exponents
-- past 10^14).
for j = 1, #answers do
  answers[j] = string.format('%d', answers[j])
end
return table.concat(answers, ',')
