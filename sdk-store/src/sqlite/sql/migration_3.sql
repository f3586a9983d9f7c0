-- Schema version 3: each watched claim's feed position (JSON the core
-- writes), moved by compare-and-set; updated_at is when it last moved.
CREATE TABLE IF NOT EXISTS claimkit_feeds (
    claim_id   TEXT   NOT NULL PRIMARY KEY,
    position   TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
