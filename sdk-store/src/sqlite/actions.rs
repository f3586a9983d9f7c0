//! The action queue on SQLite: one row per action in `claimkit_actions`,
//! each step one statement (or one short loop) inside the writer's
//! `BEGIN IMMEDIATE` transaction, by the database's clock.
//!
//! A row's `state` is `pending`, `running`, `done` or `dead`; its `at` is
//! when a pending action is due, when a running action's lease expires, and
//! when a done or dead action is forgotten. An expired done or dead row is
//! as good as absent: enqueuing its key replaces it.

use std::time::Duration;

use claimkit::store::{DeadAction, DueAction, Lease};
use sqlx::{Row, SqliteConnection};

use super::BACKEND;
use crate::unavailable::{count, decoded, whole};

/// The migration that adds the table (schema version 2).
pub(crate) const MIGRATION: &str = "\
CREATE TABLE IF NOT EXISTS claimkit_actions (
    action_key TEXT    NOT NULL PRIMARY KEY,
    payload    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    attempts   INTEGER NOT NULL,
    since      BIGINT  NOT NULL,
    at         BIGINT  NOT NULL,
    lease      TEXT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS claimkit_actions_due ON claimkit_actions (at)
    WHERE state IN ('pending', 'running');
CREATE INDEX IF NOT EXISTS claimkit_actions_expiry ON claimkit_actions (at)
    WHERE state IN ('done', 'dead');
";

/// Enqueues `$1` with payload `$2`, due at `$3`, unless the key is known
/// and not expired; returns the key when it enqueued.
pub(crate) const ENQUEUE: &str = "\
INSERT INTO claimkit_actions (action_key, payload, state, attempts, since, at)
VALUES ($1, $2, 'pending', 0, $3, $3)
ON CONFLICT (action_key) DO UPDATE
SET payload = excluded.payload, state = 'pending', attempts = 0, since = excluded.since,
    at = excluded.at, lease = NULL, last_error = NULL
WHERE claimkit_actions.state IN ('done', 'dead') AND claimkit_actions.at <= $3
RETURNING action_key";

/// Up to `$2` actions due at `$1`: pending and due, or running under an
/// expired lease, oldest first.
pub(crate) const DUE: &str = "\
SELECT action_key FROM claimkit_actions
WHERE state IN ('pending', 'running') AND at <= $1
ORDER BY at LIMIT $2";

/// Leases action `$1` under `$2` until `$3`, one more try; returns what the
/// runner needs.
pub(crate) const TAKE: &str = "\
UPDATE claimkit_actions SET state = 'running', lease = $2, at = $3, attempts = attempts + 1
WHERE action_key = $1
RETURNING payload, attempts, since";

/// Extends the lease `$2` on `$1` to `$3`.
pub(crate) const RENEW: &str = "\
UPDATE claimkit_actions SET at = $3
WHERE action_key = $1 AND state = 'running' AND lease = $2";

/// Marks `$1` done until `$3`, if lease `$2` runs it.
pub(crate) const SUCCEED: &str = "\
UPDATE claimkit_actions SET state = 'done', lease = NULL, at = $3
WHERE action_key = $1 AND state = 'running' AND lease = $2";

/// Moves `$1` to state `$3` (`pending` or `dead`) at `$4`, with error `$5`,
/// if lease `$2` runs it.
pub(crate) const FAIL: &str = "\
UPDATE claimkit_actions SET state = $3, lease = NULL, at = $4, last_error = $5
WHERE action_key = $1 AND state = 'running' AND lease = $2";

/// Makes the unexpired dead action `$1` pending, due at `$2`, tries from 1.
pub(crate) const RETRY: &str = "\
UPDATE claimkit_actions SET state = 'pending', attempts = 0, since = $2, at = $2, lease = NULL
WHERE action_key = $1 AND state = 'dead' AND at > $2";

/// Up to `$2` dead actions unexpired at `$1`, in key order.
pub(crate) const DEAD: &str = "\
SELECT action_key, payload, attempts, COALESCE(last_error, '') AS last_error
FROM claimkit_actions
WHERE state = 'dead' AND at > $1
ORDER BY action_key LIMIT $2";

/// Forgets up to `$2` done and dead actions expired at `$1`.
pub(crate) const PURGE: &str = "\
DELETE FROM claimkit_actions WHERE action_key IN (
    SELECT action_key FROM claimkit_actions
    WHERE state IN ('done', 'dead') AND at <= $1 LIMIT $2)";

/// Takes up to `limit` due actions at `now`, each under a fresh lease of
/// `lease_ms`.
pub(crate) async fn take_due(
    tx: &mut SqliteConnection,
    limit: i64,
    lease_ms: i64,
    now: i64,
) -> Result<Vec<DueAction>, sqlx::Error> {
    let keys: Vec<String> = sqlx::query_scalar(DUE)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    let mut taken = Vec::with_capacity(keys.len());
    for key in keys {
        let lease = Lease::random();
        let row = sqlx::query(TAKE)
            .bind(&key)
            .bind(lease.token())
            .bind(now.saturating_add(lease_ms))
            .fetch_one(&mut *tx)
            .await?;
        let attempts: i64 = row.try_get("attempts")?;
        let since: i64 = row.try_get("since")?;
        taken.push(DueAction {
            key,
            payload: row.try_get("payload")?,
            attempt: decoded(count(BACKEND, "a try count", attempts))?,
            age: Duration::from_millis(decoded(whole(BACKEND, "an action's age", now - since))?),
            lease,
        });
    }
    Ok(taken)
}

/// Reads up to `limit` dead actions at the database's time `now`.
pub(crate) async fn dead(
    connection: &mut SqliteConnection,
    limit: i64,
    now: i64,
) -> Result<Vec<DeadAction>, sqlx::Error> {
    let rows = sqlx::query(DEAD)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *connection)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(DeadAction {
                key: row.try_get("action_key")?,
                payload: row.try_get("payload")?,
                attempts: decoded(count(BACKEND, "a try count", row.try_get("attempts")?))?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}
