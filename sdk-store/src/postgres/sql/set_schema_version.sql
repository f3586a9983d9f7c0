-- Records schema version $1.
WITH cleared AS (DELETE FROM {schema}.schema_version)
INSERT INTO {schema}.schema_version (version) VALUES ($1)
