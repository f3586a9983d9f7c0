-- The schema's version: how many migrations ran.
SELECT coalesce(max(version), 0)::int4 FROM {schema}.schema_version
