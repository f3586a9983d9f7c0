//! Every statement the SQLite backend runs, one constant per step, with
//! numbered parameters (`$1`, `$2`, …) as PostgreSQL writes them too.
//!
//! Times are milliseconds since the Unix epoch by the database's clock:
//! each transaction reads it once ([`NOW_MS`]) and passes it on as a
//! parameter, so that one batch of operations agrees on the time.
//!
//! A claim's numbers are rows of `claimkit_claim_numbers`, one per number
//! ever handed out: **confirmed** (an attempt, no expiry), **reserved** (an
//! attempt and an expiry) or **free** (no attempt). An expired reservation
//! is free, and [`SWEEP_EXPIRED_RESERVATIONS`] marks it so before a claim
//! reserves, so that the lowest free number is one index look-up away.

/// The database's clock, in milliseconds since the Unix epoch.
pub(crate) const NOW_MS: &str =
    "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

/// Frees the expired reservations of claim `$1` at time `$2`: once per
/// claim in each transaction, before its first reservation.
pub(crate) const SWEEP_EXPIRED_RESERVATIONS: &str = "\
UPDATE claimkit_claim_numbers SET attempt_id = NULL, expires_at = NULL
WHERE claim_id = $1 AND expires_at <= $2";

/// The number attempt `$2` holds in claim `$1` (after the sweep, every row
/// with an attempt holds its number).
pub(crate) const HELD_NUMBER: &str = "\
SELECT number FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id = $2";

/// Reserves the lowest free number of claim `$1` for attempt `$2` until
/// `$3`, unless the attempt holds one, and if it is below the limit `$4`
/// (none when `NULL`); returns the number, or no row when the attempt
/// holds one ([`HELD_NUMBER`]) or none is left.
pub(crate) const RESERVE_LOWEST_FREE: &str = "\
INSERT INTO claimkit_claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, lowest.number, $2, $3
FROM (SELECT COALESCE(
        (SELECT MIN(number) FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id IS NULL),
        (SELECT MAX(number) + 1 FROM claimkit_claim_numbers WHERE claim_id = $1),
        0) AS number) AS lowest
WHERE ($4 IS NULL OR lowest.number < $4)
  AND NOT EXISTS (SELECT 1 FROM claimkit_claim_numbers WHERE claim_id = $1 AND attempt_id = $2)
ON CONFLICT (claim_id, number) DO UPDATE
SET attempt_id = excluded.attempt_id, expires_at = excluded.expires_at
RETURNING number";

/// The number a new attempt of claim `$1` would get at time `$2`,
/// changing nothing.
pub(crate) const PREVIEW_LOWEST_FREE: &str = "\
SELECT MIN(number) FROM (
    SELECT MIN(number) AS number FROM claimkit_claim_numbers
    WHERE claim_id = $1 AND attempt_id IS NULL
    UNION ALL
    SELECT MIN(number) FROM claimkit_claim_numbers
    WHERE claim_id = $1 AND expires_at <= $2
    UNION ALL
    SELECT COALESCE(MAX(number) + 1, 0) FROM claimkit_claim_numbers WHERE claim_id = $1
) AS candidates";

/// Makes attempt `$2`'s unexpired reservation in claim `$1` permanent, at
/// time `$3`.
pub(crate) const CONFIRM_NUMBER: &str = "\
UPDATE claimkit_claim_numbers SET expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at > $3";

/// Frees attempt `$2`'s reservation in claim `$1`; a confirmed number
/// stays.
pub(crate) const RELEASE_NUMBER: &str = "\
UPDATE claimkit_claim_numbers SET attempt_id = NULL, expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL";

/// Remembers token `$2` for attempt `$1` until `$3`, unless the attempt
/// has a token that is unexpired at `$4`.
pub(crate) const ISSUE_TOKEN: &str = "\
INSERT INTO claimkit_claim_tokens (attempt_id, token, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (attempt_id) DO UPDATE
SET token = excluded.token, expires_at = excluded.expires_at
WHERE claimkit_claim_tokens.expires_at <= $4";

/// The token attempt `$1` holds.
pub(crate) const HELD_TOKEN: &str = "\
SELECT token FROM claimkit_claim_tokens WHERE attempt_id = $1";

/// Leases delivery `$1` under token `$2` until `$3`, if it is new or its
/// record expired at `$4`; returns the lease, or no row.
pub(crate) const BEGIN_DELIVERY: &str = "\
INSERT INTO claimkit_deliveries (delivery_key, lease, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (delivery_key) DO UPDATE
SET lease = excluded.lease, expires_at = excluded.expires_at
WHERE claimkit_deliveries.expires_at <= $4
RETURNING lease";

/// The lease holding delivery `$1` (`NULL` once done).
pub(crate) const DELIVERY_LEASE: &str = "\
SELECT lease FROM claimkit_deliveries WHERE delivery_key = $1";

/// Marks delivery `$1` done until `$3`, if lease `$2` holds it unexpired
/// at `$4`.
pub(crate) const COMPLETE_DELIVERY: &str = "\
UPDATE claimkit_deliveries SET lease = NULL, expires_at = $3
WHERE delivery_key = $1 AND lease = $2 AND expires_at > $4";

/// Frees delivery `$1`, if lease `$2` holds it unexpired at `$3`.
pub(crate) const ABANDON_DELIVERY: &str = "\
DELETE FROM claimkit_deliveries
WHERE delivery_key = $1 AND lease = $2 AND expires_at > $3";

/// Forgets up to `$2` tokens expired at `$1`.
pub(crate) const PURGE_TOKENS: &str = "\
DELETE FROM claimkit_claim_tokens WHERE attempt_id IN (
    SELECT attempt_id FROM claimkit_claim_tokens WHERE expires_at <= $1 LIMIT $2)";

/// Forgets up to `$2` delivery records expired at `$1`.
pub(crate) const PURGE_DELIVERIES: &str = "\
DELETE FROM claimkit_deliveries WHERE delivery_key IN (
    SELECT delivery_key FROM claimkit_deliveries WHERE expires_at <= $1 LIMIT $2)";

/// The version table, created first by every process that starts.
pub(crate) const CREATE_SCHEMA_TABLE: &str = "\
CREATE TABLE IF NOT EXISTS claimkit_schema (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
)";

/// The schema's version (no row before the first migration).
pub(crate) const SCHEMA_VERSION: &str = "SELECT version FROM claimkit_schema WHERE id = 1";

/// Records schema version `$1`.
pub(crate) const SET_SCHEMA_VERSION: &str = "\
INSERT INTO claimkit_schema (id, version) VALUES (1, $1)
ON CONFLICT (id) DO UPDATE SET version = excluded.version";

/// The migrations, in order: entry `i` upgrades version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    "\
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
",
    super::actions::MIGRATION,
];
