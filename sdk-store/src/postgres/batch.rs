//! One claim's batch of reservations on PostgreSQL (see `crate::batch`):
//! one call of the schema's `reserve_numbers` function (`migration_6.sql`),
//! with no transaction around it, so one round trip and one commit (one
//! WAL flush) for the whole batch. The function takes the claim's advisory
//! lock first, so replicas change a claim's pool one batch at a time.
//!
//! The leader keeps its pool connection from batch to batch while the claim
//! is busy, so that a batch pays no health check of an idle connection.

use std::sync::Arc;

use claimkit::{Error, ErrorKind};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

use super::sql::{Statements, BACKEND};
use crate::batch::{Reserver, Waiter};
use crate::unavailable::{unavailable, whole};

/// What a claim's leader needs of the store.
pub(super) struct Batcher {
    pub(super) pool: PgPool,
    pub(super) sql: Arc<Statements>,
    pub(super) lock_key: String,
    /// The connection of the last batch, while it worked.
    pub(super) connection: Option<PoolConnection<Postgres>>,
}

impl Reserver for Batcher {
    const BACKEND: &'static str = BACKEND;

    async fn reserve(
        &mut self,
        claim: &str,
        batch: &[Waiter],
    ) -> Result<Vec<Result<u64, Error>>, Error> {
        // Taken out while the call runs: a call that fails (or is cut off
        // by the bound) leaves no connection for the next batch.
        let mut connection = match self.connection.take() {
            Some(connection) => connection,
            None => self
                .pool
                .acquire()
                .await
                .map_err(|err| unavailable(BACKEND, err))?,
        };
        let attempts: Vec<&str> = batch.iter().map(|w| w.attempt.as_str()).collect();
        let holders: Vec<Option<&str>> = batch.iter().map(|w| w.holder.as_deref()).collect();
        let holds: Vec<f64> = batch.iter().map(|w| w.hold.as_secs_f64()).collect();
        // A bound past PostgreSQL's integers bounds nothing it can hold.
        let limits: Vec<Option<i64>> = batch
            .iter()
            .map(|w| {
                w.limit
                    .map(|limit| i64::try_from(limit).unwrap_or(i64::MAX))
            })
            .collect();
        let numbers: Vec<Option<i64>> = sqlx::query_scalar(&self.sql.reserve_numbers)
            .bind(claim)
            .bind(&self.lock_key)
            .bind(&attempts)
            .bind(&holders)
            .bind(&holds)
            .bind(&limits)
            .fetch_one(&mut *connection)
            .await
            .map_err(|err| unavailable(BACKEND, err))?;
        self.connection = Some(connection);
        Ok(numbers
            .into_iter()
            .map(|number| match number {
                Some(number) => whole(BACKEND, "a claim number", number),
                None => Err(Error::new(ErrorKind::Exhausted)),
            })
            .collect())
    }
}
