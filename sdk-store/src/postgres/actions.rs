//! The action queue on PostgreSQL: one row per action in `actions`, each
//! step one statement by the database's `now()`.
//!
//! A row's `state` is an [`ActionState`]'s name; its `at` is when a pending
//! action is due, when a running action's lease expires, and when a done
//! or dead action is forgotten. Due actions are taken with `FOR UPDATE
//! SKIP LOCKED`, so concurrent runners on every replica take each one once;
//! an expired done or dead row is as good as absent.

use std::time::Duration;

use claimkit::store::{ActionState, ActionTerms, Actions, DeadAction, DueAction, Lease, Next};
use claimkit::Error;
use sqlx::Row;

use super::sql::BACKEND;
use super::store::PostgresStore;
use crate::inspect::limit;
use crate::unavailable::{corrupt, count, decoded};

impl Actions for PostgresStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        self.run(async {
            let new: Option<String> = sqlx::query_scalar(&self.sql().enqueue_action)
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
            let rows = sqlx::query(&self.sql().take_due_actions)
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
        let renew = sqlx::query(&self.sql().renew_action)
            .bind(key)
            .bind(lease.token())
            .bind(terms.lease.as_secs_f64());
        self.changes_one(renew).await
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let succeed = sqlx::query(&self.sql().succeed_action)
            .bind(key)
            .bind(lease.token())
            .bind(terms.retention.as_secs_f64());
        self.changes_one(succeed).await
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
        let fail = sqlx::query(&self.sql().fail_action)
            .bind(key)
            .bind(lease.token())
            .bind(state.as_str())
            .bind(after.as_secs_f64())
            .bind(error);
        self.changes_one(fail).await
    }

    async fn dead(&self, limit_: usize) -> Result<Vec<DeadAction>, Error> {
        self.run(async {
            let rows = sqlx::query(&self.sql().dead_actions)
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
        let retry = sqlx::query(&self.sql().retry_action).bind(key);
        self.changes_one(retry).await
    }
}
