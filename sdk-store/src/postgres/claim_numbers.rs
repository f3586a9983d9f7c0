//! Claim numbers on PostgreSQL: a claim's next number (`claims`), the
//! numbers attempts hold (`claim_numbers`, with an expiry while reserved)
//! and the numbers freed below the next one (`free_numbers`). Reservations
//! are made in batches (`crate::batch`), one call per batch of the schema's
//! `reserve_numbers` function under the claim's advisory lock (`batch.rs`).

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::Error;

use super::batch;
use super::sql::BACKEND;
use super::store::PostgresStore;
use crate::unavailable::whole;

impl ClaimNumbers for PostgresStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        let batcher = || batch::Batcher {
            pool: self.pool.clone(),
            sql: self.inner.sql.clone(),
            lock_key: format!("claimkit {} {}", self.inner.schema, pool.claim_id),
            connection: None,
        };
        self.inner
            .batches
            .reserve(
                pool.claim_id,
                attempt_id,
                (pool.limit, pool.hold),
                self.inner.timeout,
                batcher,
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
