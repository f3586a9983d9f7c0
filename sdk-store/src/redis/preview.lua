-- ARGV: limit ('' for none). The number a new attempt would get; -1 when
-- none is left.
local number = lowest_free()
if ARGV[1] ~= '' and number >= tonumber(ARGV[1]) then
  return -1
end
return number
