-- Up to $3 numbers of claim $1 held now below $2, lowest first, each with its
-- attempt and the milliseconds left of its reservation (NULL: confirmed).
-- Reads only.
SELECT number, attempt_id,
    floor(extract(epoch FROM expires_at - now()) * 1000)::bigint AS expires_in_ms
FROM {schema}.claim_numbers
WHERE claim_id = $1 AND (expires_at IS NULL OR expires_at > now()) AND number < $2
ORDER BY number LIMIT $3
