-- Makes the unexpired dead action $1 pending, due at $2, tries from 1.
UPDATE claimkit_actions SET state = 'pending', attempts = 0, since = $2, at = $2, lease = NULL
WHERE action_key = $1 AND state = 'dead' AND at > $2
