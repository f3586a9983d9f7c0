-- The lowest free number of claim $1 now, changing nothing.
SELECT least(
    (SELECT min(number) FROM {schema}.free_numbers WHERE claim_id = $1),
    (SELECT min(number) FROM {schema}.claim_numbers
     WHERE claim_id = $1 AND expires_at <= now()),
    coalesce((SELECT next FROM {schema}.claims WHERE claim_id = $1), 0))
