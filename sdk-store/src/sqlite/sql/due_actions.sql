-- Up to $2 actions due at $1: pending and due, or running under an expired
-- lease, oldest first.
SELECT action_key FROM claimkit_actions
WHERE state IN ('pending', 'running') AND at <= $1
ORDER BY at LIMIT $2
