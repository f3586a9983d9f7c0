//! Claim numbers on PostgreSQL: a claim's next number (`claims`), the
//! numbers attempts hold (`claim_numbers`, with an expiry while reserved)
//! and the numbers freed below the next one (`free_numbers`). Reservations
//! are made in batches, one transaction per claim under its advisory lock
//! (`batch.rs`).

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::Error;
use tokio::sync::oneshot;

use super::batch;
use super::sql::BACKEND;
use super::store::PostgresStore;
use crate::unavailable::{bounded, whole};

impl PostgresStore {
    /// Queues the reservation on its claim's next batch (starting the
    /// claim's leader when none runs) and waits for the answer.
    async fn reserve_batched(
        &self,
        pool: &ClaimPool<'_>,
        attempt_id: &str,
    ) -> Result<Result<u64, Error>, oneshot::error::RecvError> {
        let (reply, answer) = oneshot::channel();
        let waiter = batch::Waiter {
            attempt: attempt_id.to_owned(),
            limit: pool.limit,
            hold: pool.hold,
            reply,
        };
        if self.inner.batches.queue(pool.claim_id, waiter) {
            let batcher = batch::Batcher {
                pool: self.pool.clone(),
                sql: self.inner.sql.clone(),
                lock_key: format!("claimkit {} {}", self.inner.schema, pool.claim_id),
                timeout: self.inner.timeout,
            };
            tokio::spawn(batch::lead(
                self.inner.batches.clone(),
                batcher,
                pool.claim_id.to_owned(),
            ));
        }
        answer.await
    }
}

impl ClaimNumbers for PostgresStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        bounded(
            BACKEND,
            self.inner.timeout,
            self.reserve_batched(pool, attempt_id),
        )
        .await
    }

    async fn lowest_free(&self, claim_id: &str) -> Result<u64, Error> {
        self.run(async {
            let number: i64 = sqlx::query_scalar(&self.sql().lowest_free)
                .bind(claim_id)
                .fetch_one(&self.pool)
                .await?;
            Ok(whole(BACKEND, "a claim number", number))
        })
        .await
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(&self.sql().confirm_number, claim_id, attempt_id)
            .await
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(&self.sql().release_number, claim_id, attempt_id)
            .await
    }
}

impl PostgresStore {
    /// Confirms or releases (`statement`) an attempt's reservation.
    async fn settle(&self, statement: &str, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.run(async {
            sqlx::query(statement)
                .bind(claim_id)
                .bind(attempt_id)
                .execute(&self.pool)
                .await?;
            Ok(Ok(()))
        })
        .await
    }
}
