-- Confirms number $2 of claim $1 for attempt $3 when it is free or was never
-- handed out (then the numbers between the claim's next one and it become
-- free, and the next one follows it); returns the number, or no row when
-- another attempt holds it.
WITH claim AS (
    SELECT coalesce((SELECT next FROM {schema}.claims WHERE claim_id = $1), 0) AS next
), freed AS (
    DELETE FROM {schema}.free_numbers WHERE claim_id = $1 AND number = $2::bigint
    RETURNING number
), gap AS (
    INSERT INTO {schema}.free_numbers (claim_id, number)
    SELECT $1, skipped FROM claim, generate_series(claim.next, $2::bigint - 1) AS skipped
    WHERE $2::bigint > claim.next
), advanced AS (
    INSERT INTO {schema}.claims (claim_id, next)
    SELECT $1, $2::bigint + 1 FROM claim WHERE $2::bigint >= claim.next
    ON CONFLICT (claim_id) DO UPDATE SET next = EXCLUDED.next
)
INSERT INTO {schema}.claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, $2::bigint, $3, NULL
WHERE EXISTS (SELECT 1 FROM freed) OR $2::bigint >= (SELECT next FROM claim)
RETURNING number
