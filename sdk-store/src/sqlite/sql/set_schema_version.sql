-- Records schema version $1.
INSERT INTO claimkit_schema (id, version) VALUES (1, $1)
ON CONFLICT (id) DO UPDATE SET version = excluded.version
