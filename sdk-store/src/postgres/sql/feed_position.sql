-- The feed position of claim $1.
SELECT position FROM {schema}.feeds WHERE claim_id = $1
