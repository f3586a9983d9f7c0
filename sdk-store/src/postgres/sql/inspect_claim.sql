-- Claim $1 now: its confirmed and held numbers below $2 (an expired
-- reservation is free), and the lowest number never handed out. Reads only.
SELECT
    count(*) FILTER (WHERE expires_at IS NULL AND number < $2) AS confirmed,
    count(*) FILTER (WHERE expires_at > now() AND number < $2) AS held,
    coalesce((SELECT next FROM {schema}.claims WHERE claim_id = $1), 0) AS next
FROM {schema}.claim_numbers WHERE claim_id = $1
