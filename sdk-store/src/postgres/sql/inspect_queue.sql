-- The action queue now: due (pending and due, or running under an expired
-- lease), waiting (pending, not due yet), running (under a live lease),
-- dead (until forgotten), and how long the action due longest has been due
-- in milliseconds (NULL when none is). One scan; reads only.
SELECT
    count(*) FILTER (WHERE state IN ('pending', 'running') AND at <= now()) AS due,
    count(*) FILTER (WHERE state = 'pending' AND at > now()) AS waiting,
    count(*) FILTER (WHERE state = 'running' AND at > now()) AS running,
    count(*) FILTER (WHERE state = 'dead' AND at > now()) AS dead,
    floor(extract(epoch FROM now() - min(at) FILTER (
        WHERE state IN ('pending', 'running') AND at <= now())) * 1000)::bigint AS oldest_due_ms
FROM {schema}.actions
WHERE state IN ('pending', 'running', 'dead')
