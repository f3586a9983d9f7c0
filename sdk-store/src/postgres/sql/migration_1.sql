-- Schema version 1: claim numbers (held, and freed below each claim's next
-- number), claim tokens, deliveries.
CREATE TABLE {schema}.claims (
    claim_id text PRIMARY KEY,
    next bigint NOT NULL
);
CREATE TABLE {schema}.claim_numbers (
    claim_id text NOT NULL,
    number bigint NOT NULL,
    attempt_id text NOT NULL,
    expires_at timestamptz,
    PRIMARY KEY (claim_id, number),
    UNIQUE (claim_id, attempt_id)
);
CREATE INDEX claim_numbers_expiry ON {schema}.claim_numbers (claim_id, expires_at)
    WHERE expires_at IS NOT NULL;
CREATE TABLE {schema}.free_numbers (
    claim_id text NOT NULL,
    number bigint NOT NULL,
    PRIMARY KEY (claim_id, number)
);
CREATE TABLE {schema}.claim_tokens (
    attempt_id text PRIMARY KEY,
    token text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX claim_tokens_expiry ON {schema}.claim_tokens (expires_at);
CREATE TABLE {schema}.deliveries (
    key text PRIMARY KEY,
    lease text,
    expires_at timestamptz NOT NULL
);
CREATE INDEX deliveries_expiry ON {schema}.deliveries (expires_at);
