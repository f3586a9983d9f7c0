-- The number a new attempt of claim $1 would get at time $2, changing nothing.
SELECT MIN(number) FROM (
    SELECT MIN(number) AS number FROM claimkit_claim_numbers
    WHERE claim_id = $1 AND attempt_id IS NULL
    UNION ALL
    SELECT MIN(number) FROM claimkit_claim_numbers
    WHERE claim_id = $1 AND expires_at <= $2
    UNION ALL
    SELECT COALESCE(MAX(number) + 1, 0) FROM claimkit_claim_numbers WHERE claim_id = $1
) AS candidates
