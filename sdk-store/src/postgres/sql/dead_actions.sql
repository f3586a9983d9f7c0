-- Up to $1 dead actions, in key order.
SELECT key, payload, attempts, coalesce(last_error, '') AS last_error FROM {schema}.actions
WHERE state = 'dead' AND at > now()
ORDER BY key LIMIT $1
