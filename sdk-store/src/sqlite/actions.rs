//! The action queue on SQLite: one row per action in `claimkit_actions`,
//! each step one statement (or one short loop) inside the writer's
//! `BEGIN IMMEDIATE` transaction, by the database's clock.
//!
//! A row's `state` is an [`ActionState`]'s name; its `at` is when a
//! pending action is due, when a running action's lease expires, and when
//! a done or dead action is forgotten. An expired done or dead row is as
//! good as absent: enqueuing its key replaces it.

use std::time::Duration;

use claimkit::store::{ActionState, ActionTerms, Actions, DeadAction, DueAction, Lease, Next};
use claimkit::Error;
use sqlx::{Row, SqliteConnection};

use super::statement::Statement;
use super::store::SqliteStore;
use super::writer::{millis, Batch, Write, BACKEND};
use crate::unavailable::{count, decoded, whole};

const ENQUEUE: &str = include_str!("sql/enqueue_action.sql");
const DUE: &str = include_str!("sql/due_actions.sql");
const TAKE: &str = include_str!("sql/take_action.sql");
const RENEW: &str = include_str!("sql/renew_action.sql");
const SUCCEED: &str = include_str!("sql/succeed_action.sql");
const FAIL: &str = include_str!("sql/fail_action.sql");
const RETRY: &str = include_str!("sql/retry_action.sql");
const DEAD: &str = include_str!("sql/dead_actions.sql");

/// Takes up to `limit` due actions, each under a fresh lease.
struct TakeDue {
    limit: i64,
    lease_ms: i64,
}

impl Write for TakeDue {
    type Output = Vec<DueAction>;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<Vec<DueAction>, Error>, sqlx::Error> {
        let keys: Vec<String> = sqlx::query_scalar(DUE)
            .bind(batch.now)
            .bind(self.limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut taken = Vec::with_capacity(keys.len());
        for key in keys {
            let lease = Lease::random();
            let row = sqlx::query(TAKE)
                .bind(&key)
                .bind(lease.token())
                .bind(batch.now.saturating_add(self.lease_ms))
                .fetch_one(&mut *tx)
                .await?;
            let since: i64 = row.try_get("since")?;
            taken.push(DueAction {
                key,
                payload: row.try_get("payload")?,
                attempt: decoded(count(BACKEND, "a try count", row.try_get("attempts")?))?,
                age: Duration::from_millis(decoded(whole(
                    BACKEND,
                    "an action's age",
                    batch.now - since,
                ))?),
                lease,
            });
        }
        Ok(Ok(taken))
    }
}

fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl Actions for SqliteStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        // Returns the key when it enqueued: one row changed.
        let enqueue = Statement::new(ENQUEUE).text(key).text(payload).now();
        self.write(enqueue).await
    }

    async fn take_due(&self, max: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        self.write(TakeDue {
            limit: limit(max),
            lease_ms: millis(terms.lease),
        })
        .await
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let renew = Statement::new(RENEW)
            .text(key)
            .text(lease.token())
            .later(millis(terms.lease));
        self.write(renew).await
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let succeed = Statement::new(SUCCEED)
            .text(key)
            .text(lease.token())
            .later(millis(terms.retention));
        self.write(succeed).await
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        let (state, after) = ActionState::after_failure(next, terms);
        let fail = Statement::new(FAIL)
            .text(key)
            .text(lease.token())
            .text(state.as_str())
            .later(millis(after))
            .text(error);
        self.write(fail).await
    }

    async fn dead(&self, max: usize) -> Result<Vec<DeadAction>, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let rows = sqlx::query(DEAD)
                .bind(now)
                .bind(limit(max))
                .fetch_all(&mut *connection)
                .await?;
            let mut dead = Vec::with_capacity(rows.len());
            for row in &rows {
                dead.push(DeadAction {
                    key: row.try_get("action_key")?,
                    payload: row.try_get("payload")?,
                    attempts: decoded(count(BACKEND, "a try count", row.try_get("attempts")?))?,
                    last_error: row.try_get("last_error")?,
                });
            }
            Ok(Ok(dead))
        })
        .await
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        self.write(Statement::new(RETRY).text(key).now()).await
    }
}
