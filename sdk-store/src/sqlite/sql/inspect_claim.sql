-- Claim $1 at time $2: its confirmed and held numbers below $3 (an expired
-- reservation is free), and the lowest number never handed out. Reads only.
SELECT
    COALESCE(SUM(CASE WHEN attempt_id IS NOT NULL AND expires_at IS NULL AND number < $3
                      THEN 1 ELSE 0 END), 0) AS confirmed,
    COALESCE(SUM(CASE WHEN attempt_id IS NOT NULL AND expires_at > $2 AND number < $3
                      THEN 1 ELSE 0 END), 0) AS held,
    COALESCE(MAX(number) + 1, 0) AS next
FROM claimkit_claim_numbers WHERE claim_id = $1
