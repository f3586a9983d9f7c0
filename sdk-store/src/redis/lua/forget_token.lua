-- KEYS: a holder's token key. ARGV: the token it handed over. Forgets the
-- holder's token if it is still that one.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
