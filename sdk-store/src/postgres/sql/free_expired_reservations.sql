-- Frees the claim's expired reservations.
WITH expired AS (
    DELETE FROM {schema}.claim_numbers
    WHERE claim_id = $1 AND expires_at <= now()
    RETURNING number
)
INSERT INTO {schema}.free_numbers (claim_id, number)
SELECT $1, number FROM expired
