-- The schema's version (no row before the first migration).
SELECT version FROM claimkit_schema WHERE id = 1
