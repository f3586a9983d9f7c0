-- Schema version 1: claim numbers, claim tokens, deliveries. A claim's
-- numbers are rows, one per number ever handed out: confirmed (an attempt,
-- no expiry), reserved (an attempt and an expiry) or free (no attempt).
CREATE TABLE IF NOT EXISTS claimkit_claim_numbers (
    claim_id   TEXT   NOT NULL,
    number     BIGINT NOT NULL,
    attempt_id TEXT,
    expires_at BIGINT,
    PRIMARY KEY (claim_id, number)
);
CREATE UNIQUE INDEX IF NOT EXISTS claimkit_claim_numbers_attempt
    ON claimkit_claim_numbers (claim_id, attempt_id);
CREATE INDEX IF NOT EXISTS claimkit_claim_numbers_free
    ON claimkit_claim_numbers (claim_id, number) WHERE attempt_id IS NULL;
CREATE INDEX IF NOT EXISTS claimkit_claim_numbers_expiry
    ON claimkit_claim_numbers (claim_id, expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS claimkit_claim_tokens (
    attempt_id TEXT   NOT NULL PRIMARY KEY,
    token      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS claimkit_claim_tokens_expiry ON claimkit_claim_tokens (expires_at);
CREATE TABLE IF NOT EXISTS claimkit_deliveries (
    delivery_key TEXT   NOT NULL PRIMARY KEY,
    lease        TEXT,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS claimkit_deliveries_expiry ON claimkit_deliveries (expires_at);
