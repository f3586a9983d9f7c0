-- The version table, created first by every process that starts.
CREATE TABLE IF NOT EXISTS claimkit_schema (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
)
