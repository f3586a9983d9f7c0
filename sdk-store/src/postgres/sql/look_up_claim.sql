-- The numbers the attempts $2 hold (as two arrays from one scan, so that they
-- pair up), the $3 lowest free numbers, and the next number never handed out.
-- No ORDER BY on the held numbers: with one, PostgreSQL before 17 walks the
-- claim's whole index in order and filters by attempt, a cost that grows with
-- every number the claim ever handed out.
SELECT
    coalesce(held.attempts, '{}'),
    coalesce(held.numbers, '{}'),
    ARRAY(SELECT number FROM {schema}.free_numbers
          WHERE claim_id = $1 ORDER BY number LIMIT $3),
    (SELECT next FROM {schema}.claims WHERE claim_id = $1)
FROM (SELECT array_agg(attempt_id) AS attempts, array_agg(number) AS numbers
      FROM {schema}.claim_numbers
      WHERE claim_id = $1 AND attempt_id = ANY($2)) AS held
