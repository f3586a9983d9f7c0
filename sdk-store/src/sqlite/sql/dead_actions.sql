-- Up to $2 dead actions unexpired at $1, in key order.
SELECT action_key, payload, attempts, COALESCE(last_error, '') AS last_error
FROM claimkit_actions
WHERE state = 'dead' AND at > $1
ORDER BY action_key LIMIT $2
