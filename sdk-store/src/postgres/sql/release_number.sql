-- Frees attempt $2's reservation in claim $1; a confirmed number stays.
WITH released AS (
    DELETE FROM {schema}.claim_numbers
    WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL
    RETURNING number
)
INSERT INTO {schema}.free_numbers (claim_id, number)
SELECT $1, number FROM released
