-- Adds the numbers of claim $1 below $2 that were never handed out, as free
-- rows, so that a number assigned above them leaves none skipped.
WITH RECURSIVE gap (number) AS (
    SELECT COALESCE((SELECT MAX(number) + 1 FROM claimkit_claim_numbers WHERE claim_id = $1), 0)
    UNION ALL
    SELECT number + 1 FROM gap WHERE number + 1 < $2
)
INSERT INTO claimkit_claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, number, NULL, NULL FROM gap WHERE number < $2
ON CONFLICT (claim_id, number) DO NOTHING
