-- Reserves numbers of claim $1 for the attempts $3, each for $4 seconds and
-- below $5 (none when NULL), under the advisory lock keyed by $2: one number
-- per attempt, NULL when none is left (migration_3.sql).
SELECT {schema}.reserve_numbers($1, $2, $3, $4, $5)
