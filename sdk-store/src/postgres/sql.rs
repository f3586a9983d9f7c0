//! Every statement of the PostgreSQL backend, in one place, written for one
//! schema of its own (`{schema}` is the quoted schema name).
//!
//! Times are the database's: `now()` is the start of the statement's
//! transaction by the server's clock, so replicas with skewed clocks agree.
//! Durations are bound as seconds (`float8`).

/// The migrations, in order; the version table records how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    super::actions::MIGRATION,
];

/// Serializes schema changes of one schema across every replica (an
/// advisory lock of the transaction, keyed by the schema's name).
pub(super) const LOCK_SCHEMA: &str =
    "SELECT pg_advisory_xact_lock(hashtextextended('claimkit schema ' || $1, 0))";
pub(super) const CREATE_SCHEMA: &str = "
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer NOT NULL);
";
pub(super) const SCHEMA_VERSION: &str =
    "SELECT coalesce(max(version), 0)::int4 FROM {schema}.schema_version";
pub(super) const SET_SCHEMA_VERSION: &str = "
WITH cleared AS (DELETE FROM {schema}.schema_version)
INSERT INTO {schema}.schema_version (version) VALUES ($1)";

/// The statements an operation runs, each made for one schema.
#[derive(Debug)]
pub(super) struct Statements {
    pub(super) lock_claim: String,
    pub(super) expire: String,
    pub(super) look: String,
    pub(super) take: String,
    pub(super) preview: String,
    pub(super) confirm: String,
    pub(super) release: String,
    pub(super) issue: String,
    pub(super) begin: String,
    pub(super) complete: String,
    pub(super) abandon: String,
    pub(super) sweep_tokens: String,
    pub(super) sweep_deliveries: String,
}

impl Statements {
    pub(super) fn new(schema: &str) -> Self {
        let s = |sql: &str| in_schema(sql, schema);
        Self {
            // One claim's pool is changed by one transaction at a time.
            lock_claim: s("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"),
            // Frees the claim's expired reservations.
            expire: s("
WITH expired AS (
    DELETE FROM {schema}.claim_numbers
    WHERE claim_id = $1 AND expires_at <= now()
    RETURNING number
)
INSERT INTO {schema}.free_numbers (claim_id, number)
SELECT $1, number FROM expired"),
            // The numbers the attempts $2 hold (as two arrays from one
            // scan, so that they pair up), the $3 lowest free numbers, and
            // the next number never handed out. No ORDER BY on the held
            // numbers: with one, PostgreSQL before 17 walks the claim's
            // whole index in order and filters by attempt, a cost that grows
            // with every number the claim ever handed out.
            look: s("
SELECT
    coalesce(held.attempts, '{}'),
    coalesce(held.numbers, '{}'),
    ARRAY(SELECT number FROM {schema}.free_numbers
          WHERE claim_id = $1 ORDER BY number LIMIT $3),
    (SELECT next FROM {schema}.claims WHERE claim_id = $1)
FROM (SELECT array_agg(attempt_id) AS attempts, array_agg(number) AS numbers
      FROM {schema}.claim_numbers
      WHERE claim_id = $1 AND attempt_id = ANY($2)) AS held"),
            // Reserves the numbers $2 for the attempts $3, each for $4
            // seconds; $5 of them were free, and the claim's next number is
            // now $6 if $7.
            take: s("
WITH taken AS (
    DELETE FROM {schema}.free_numbers WHERE claim_id = $1 AND number = ANY($5)
), advanced AS (
    INSERT INTO {schema}.claims (claim_id, next)
    SELECT $1::text, $6::bigint WHERE $7::bool
    ON CONFLICT (claim_id) DO UPDATE SET next = EXCLUDED.next
)
INSERT INTO {schema}.claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, number, attempt_id, now() + make_interval(secs => hold)
FROM unnest($2::bigint[], $3::text[], $4::float8[]) AS taken (number, attempt_id, hold)"),
            preview: s("
SELECT least(
    (SELECT min(number) FROM {schema}.free_numbers WHERE claim_id = $1),
    (SELECT min(number) FROM {schema}.claim_numbers
     WHERE claim_id = $1 AND expires_at <= now()),
    coalesce((SELECT next FROM {schema}.claims WHERE claim_id = $1), 0))"),
            confirm: s("
UPDATE {schema}.claim_numbers SET expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at > now()"),
            release: s("
WITH released AS (
    DELETE FROM {schema}.claim_numbers
    WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL
    RETURNING number
)
INSERT INTO {schema}.free_numbers (claim_id, number)
SELECT $1, number FROM released"),
            // The attempt's token, or $2 when it has none (or it expired).
            issue: s("
INSERT INTO {schema}.claim_tokens AS t (attempt_id, token, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3))
ON CONFLICT (attempt_id) DO UPDATE SET
    token = CASE WHEN t.expires_at <= now() THEN EXCLUDED.token ELSE t.token END,
    expires_at = CASE WHEN t.expires_at <= now() THEN EXCLUDED.expires_at ELSE t.expires_at END
RETURNING token"),
            // The delivery's lease after the call: $2 when it was leased
            // now, NULL when it is done, another token while in flight.
            begin: s("
INSERT INTO {schema}.deliveries AS d (key, lease, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3))
ON CONFLICT (key) DO UPDATE SET
    lease = CASE WHEN d.expires_at <= now() THEN EXCLUDED.lease ELSE d.lease END,
    expires_at = CASE WHEN d.expires_at <= now() THEN EXCLUDED.expires_at ELSE d.expires_at END
RETURNING lease"),
            complete: s("
UPDATE {schema}.deliveries SET lease = NULL, expires_at = now() + make_interval(secs => $3)
WHERE key = $1 AND lease = $2 AND expires_at > now()"),
            abandon: s("
DELETE FROM {schema}.deliveries WHERE key = $1 AND lease = $2 AND expires_at > now()"),
            sweep_tokens: s("
DELETE FROM {schema}.claim_tokens WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.claim_tokens WHERE expires_at <= now() LIMIT $1))"),
            sweep_deliveries: s("
DELETE FROM {schema}.deliveries WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.deliveries WHERE expires_at <= now() LIMIT $1))"),
        }
    }
}

/// `sql` with `{schema}` replaced by the quoted schema name.
pub(super) fn in_schema(sql: &str, schema: &str) -> String {
    sql.replace("{schema}", &format!("\"{schema}\""))
}
