-- Forgets up to $2 done and dead actions expired at $1.
DELETE FROM claimkit_actions WHERE action_key IN (
    SELECT action_key FROM claimkit_actions
    WHERE state IN ('done', 'dead') AND at <= $1 LIMIT $2)
