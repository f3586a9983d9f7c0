-- What a batch of reservations of claim $1 needs, one row each: the numbers
-- the attempts and holders of the JSON array $2 hold (kind 0 when confirmed,
-- kind 3 when reserved, with the attempt), the $3 lowest free numbers (kind
-- 1) and the next number never handed out (kind 2).
SELECT CASE WHEN expires_at IS NULL THEN 0 ELSE 3 END AS kind, attempt_id, number
FROM claimkit_claim_numbers
WHERE claim_id = $1 AND attempt_id IN (SELECT value FROM json_each($2))
UNION ALL
SELECT * FROM (SELECT 1 AS kind, NULL AS attempt_id, number FROM claimkit_claim_numbers
               WHERE claim_id = $1 AND attempt_id IS NULL ORDER BY number LIMIT $3)
UNION ALL
SELECT 2 AS kind, NULL AS attempt_id, COALESCE(MAX(number) + 1, 0) FROM claimkit_claim_numbers
WHERE claim_id = $1
