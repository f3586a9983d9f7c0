-- Reserves the numbers $2 for the attempts $3, each for $4 seconds; $5 of them
-- were free, and the claim's next number is now $6 if $7.
WITH taken AS (
    DELETE FROM {schema}.free_numbers WHERE claim_id = $1 AND number = ANY($5)
), advanced AS (
    INSERT INTO {schema}.claims (claim_id, next)
    SELECT $1::text, $6::bigint WHERE $7::bool
    ON CONFLICT (claim_id) DO UPDATE SET next = EXCLUDED.next
)
INSERT INTO {schema}.claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, number, attempt_id, now() + make_interval(secs => hold)
FROM unnest($2::bigint[], $3::text[], $4::float8[]) AS taken (number, attempt_id, hold)
