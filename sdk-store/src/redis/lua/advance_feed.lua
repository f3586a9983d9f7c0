-- KEYS[1]: a claim's feed position. ARGV: whether a position is expected
-- ('1') or none ('0'), the expected position, the new one. 1 when it
-- moved, 0 when the position is not the one expected.
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then
    return 0
  end
elseif current then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
