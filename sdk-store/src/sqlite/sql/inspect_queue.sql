-- The action queue at time $1: due (pending and due, or running under an
-- expired lease), waiting (pending, not due yet), running (under a live
-- lease), dead (until forgotten), and how long the action due longest has
-- been due (NULL when none is). One scan; reads only.
SELECT
    COUNT(CASE WHEN state IN ('pending', 'running') AND at <= $1 THEN 1 END) AS due,
    COUNT(CASE WHEN state = 'pending' AND at > $1 THEN 1 END) AS waiting,
    COUNT(CASE WHEN state = 'running' AND at > $1 THEN 1 END) AS running,
    COUNT(CASE WHEN state = 'dead' AND at > $1 THEN 1 END) AS dead,
    $1 - MIN(CASE WHEN state IN ('pending', 'running') AND at <= $1 THEN at END) AS oldest_due_ms
FROM claimkit_actions
WHERE state IN ('pending', 'running', 'dead')
