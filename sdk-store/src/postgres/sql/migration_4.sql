-- Schema version 4: each watched claim's feed position (JSON the core
-- writes), moved by compare-and-set; updated_at is when it last moved.
CREATE TABLE {schema}.feeds (
    claim_id text PRIMARY KEY,
    position text NOT NULL,
    updated_at timestamptz NOT NULL
);
