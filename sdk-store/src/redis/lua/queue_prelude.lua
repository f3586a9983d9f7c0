-- The action queue's keys, under one hash tag: KEYS[1] the due times of
-- pending and running actions (ZSET: key -> ms), KEYS[2] payloads (HASH),
-- KEYS[3] each action's state as JSON (HASH), KEYS[4] when done and dead
-- actions are forgotten (ZSET: key -> ms), KEYS[5] the dead actions (ZSET,
-- all scores 0: key order). Times are Redis' own clock, in milliseconds.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function load(key)
  local state = redis.call('HGET', KEYS[3], key)
  if state then
    return cjson.decode(state)
  end
  return nil
end

local function save(key, state)
  redis.call('HSET', KEYS[3], key, cjson.encode(state))
end

local function forget(key)
  redis.call('HDEL', KEYS[2], key)
  redis.call('HDEL', KEYS[3], key)
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZREM', KEYS[4], key)
  redis.call('ZREM', KEYS[5], key)
end

-- Forgets up to `limit` done and dead actions whose time is up; answers
-- how many.
local function purge(limit)
  local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, limit)
  for _, key in ipairs(due) do
    forget(key)
  end
  return #due
end

-- The action, or nil when it is unknown or forgotten at `now`.
local function known(key)
  local state = load(key)
  if state and (state.s == 'done' or state.s == 'dead') and state.at <= now then
    forget(key)
    return nil
  end
  return state
end

-- The running action `key` if `lease` holds it, else nil.
local function held(key, lease)
  local state = known(key)
  if state and state.s == 'running' and state.l == lease then
    return state
  end
  return nil
end
