-- Reserves numbers of claim $1 for the attempts $3, each taking over the
-- reservation of its holder in $4 (none when NULL) or else reserving for $5
-- seconds below $6 (none when NULL), under the advisory lock keyed by $2: one
-- number per attempt, NULL when none is left (migration_6.sql).
SELECT {schema}.reserve_numbers($1, $2, $3, $4, $5, $6)
