-- Makes the unexpired dead action $1 pending, due now, tries from 1.
UPDATE {schema}.actions
SET state = 'pending', attempts = 0, since = now(), at = now(), lease = NULL
WHERE key = $1 AND state = 'dead' AND at > now()
