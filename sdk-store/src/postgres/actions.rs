//! The action queue on PostgreSQL: one row per action in `actions`, each
//! step one statement by the database's `now()`.
//!
//! A row's `state` is `pending`, `running`, `done` or `dead`; its `at` is
//! when a pending action is due, when a running action's lease expires,
//! and when a done or dead action is forgotten. Due actions are taken with
//! `FOR UPDATE SKIP LOCKED`, so concurrent runners on every replica take
//! each one once; an expired done or dead row is as good as absent.

use std::time::Duration;

use claimkit::store::{ActionTerms, Actions, DeadAction, DueAction, Lease, Next};
use claimkit::Error;
use sqlx::Row;

use super::sql::in_schema;
use super::{PostgresStore, BACKEND};
use crate::unavailable::{corrupt, count, decoded};

/// The migration that adds the table (schema version 2).
pub(super) const MIGRATION: &str = r#"
CREATE TABLE {schema}.actions (
    key text PRIMARY KEY,
    payload text NOT NULL,
    state text NOT NULL,
    attempts integer NOT NULL,
    since timestamptz NOT NULL,
    at timestamptz NOT NULL,
    lease text,
    last_error text
);
CREATE INDEX actions_due ON {schema}.actions (at) WHERE state IN ('pending', 'running');
CREATE INDEX actions_expiry ON {schema}.actions (at) WHERE state IN ('done', 'dead');
"#;

/// The statements of the queue, each made for one schema.
#[derive(Debug)]
pub(super) struct ActionStatements {
    enqueue: String,
    take_due: String,
    renew: String,
    succeed: String,
    fail: String,
    retry: String,
    dead: String,
    pub(super) sweep: String,
}

impl ActionStatements {
    pub(super) fn new(schema: &str) -> Self {
        let s = |sql: &str| in_schema(sql, schema);
        Self {
            enqueue: s("
INSERT INTO {schema}.actions AS a (key, payload, state, attempts, since, at)
VALUES ($1, $2, 'pending', 0, now(), now())
ON CONFLICT (key) DO UPDATE SET
    payload = EXCLUDED.payload, state = 'pending', attempts = 0, since = now(), at = now(),
    lease = NULL, last_error = NULL
WHERE a.state IN ('done', 'dead') AND a.at <= now()
RETURNING key"),
            take_due: s("
WITH due AS (
    SELECT key FROM {schema}.actions
    WHERE state IN ('pending', 'running') AND at <= now()
    ORDER BY at LIMIT $1
    FOR UPDATE SKIP LOCKED
)
UPDATE {schema}.actions AS a SET
    state = 'running', attempts = a.attempts + 1,
    lease = replace(gen_random_uuid()::text, '-', ''),
    at = now() + make_interval(secs => $2)
FROM due WHERE a.key = due.key
RETURNING a.key, a.payload, a.attempts, a.lease,
    extract(epoch FROM now() - a.since)::float8 AS age"),
            renew: s("
UPDATE {schema}.actions SET at = now() + make_interval(secs => $3)
WHERE key = $1 AND state = 'running' AND lease = $2"),
            succeed: s("
UPDATE {schema}.actions SET state = 'done', lease = NULL, at = now() + make_interval(secs => $3)
WHERE key = $1 AND state = 'running' AND lease = $2"),
            fail: s("
UPDATE {schema}.actions
SET state = $3, lease = NULL, at = now() + make_interval(secs => $4), last_error = $5
WHERE key = $1 AND state = 'running' AND lease = $2"),
            retry: s("
UPDATE {schema}.actions
SET state = 'pending', attempts = 0, since = now(), at = now(), lease = NULL
WHERE key = $1 AND state = 'dead' AND at > now()"),
            dead: s("
SELECT key, payload, attempts, coalesce(last_error, '') AS last_error FROM {schema}.actions
WHERE state = 'dead' AND at > now()
ORDER BY key LIMIT $1"),
            sweep: s("
DELETE FROM {schema}.actions WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.actions
    WHERE state IN ('done', 'dead') AND at <= now() LIMIT $1))"),
        }
    }
}

fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl Actions for PostgresStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        self.run(async {
            let new: Option<String> = sqlx::query_scalar(&self.inner.actions.enqueue)
                .bind(key)
                .bind(payload)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(new.is_some()))
        })
        .await
    }

    async fn take_due(&self, limit_: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        self.run(async {
            if self.sweep_due(&self.inner.next_action_sweep) {
                self.sweep(&self.inner.actions.sweep).await?;
            }
            let rows = sqlx::query(&self.inner.actions.take_due)
                .bind(limit(limit_))
                .bind(terms.lease.as_secs_f64())
                .fetch_all(&self.pool)
                .await?;
            let mut taken = Vec::with_capacity(rows.len());
            for row in &rows {
                let attempts: i32 = row.try_get("attempts")?;
                let age: f64 = row.try_get("age")?;
                taken.push(DueAction {
                    key: row.try_get("key")?,
                    payload: row.try_get("payload")?,
                    attempt: decoded(count(BACKEND, "a try count", attempts.into()))?,
                    age: decoded(Duration::try_from_secs_f64(age).map_err(|_| {
                        corrupt(BACKEND, format!("an action's age is out of range: {age} s"))
                    }))?,
                    lease: Lease::new(row.try_get::<String, _>("lease")?),
                });
            }
            taken.sort_by_key(|action| std::cmp::Reverse(action.age));
            Ok(Ok(taken))
        })
        .await
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        self.run(async {
            let renewed = sqlx::query(&self.inner.actions.renew)
                .bind(key)
                .bind(lease.token())
                .bind(terms.lease.as_secs_f64())
                .execute(&self.pool)
                .await?;
            Ok(Ok(renewed.rows_affected() == 1))
        })
        .await
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        self.run(async {
            let done = sqlx::query(&self.inner.actions.succeed)
                .bind(key)
                .bind(lease.token())
                .bind(terms.retention.as_secs_f64())
                .execute(&self.pool)
                .await?;
            Ok(Ok(done.rows_affected() == 1))
        })
        .await
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        let (state, after) = match next {
            Next::Retry(delay) => ("pending", delay),
            Next::GiveUp => ("dead", terms.dead_retention),
        };
        self.run(async {
            let failed = sqlx::query(&self.inner.actions.fail)
                .bind(key)
                .bind(lease.token())
                .bind(state)
                .bind(after.as_secs_f64())
                .bind(error)
                .execute(&self.pool)
                .await?;
            Ok(Ok(failed.rows_affected() == 1))
        })
        .await
    }

    async fn dead(&self, limit_: usize) -> Result<Vec<DeadAction>, Error> {
        self.run(async {
            let rows = sqlx::query(&self.inner.actions.dead)
                .bind(limit(limit_))
                .fetch_all(&self.pool)
                .await?;
            let mut dead = Vec::with_capacity(rows.len());
            for row in &rows {
                dead.push(DeadAction {
                    key: row.try_get("key")?,
                    payload: row.try_get("payload")?,
                    attempts: decoded(count(
                        BACKEND,
                        "a try count",
                        row.try_get::<i32, _>("attempts")?.into(),
                    ))?,
                    last_error: row.try_get("last_error")?,
                });
            }
            Ok(Ok(dead))
        })
        .await
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        self.run(async {
            let retried = sqlx::query(&self.inner.actions.retry)
                .bind(key)
                .execute(&self.pool)
                .await?;
            Ok(Ok(retried.rows_affected() == 1))
        })
        .await
    }
}
