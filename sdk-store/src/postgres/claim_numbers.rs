//! Claim numbers on PostgreSQL: a claim's next number (`claims`), the
//! numbers attempts hold (`claim_numbers`, with an expiry while reserved)
//! and the numbers freed below the next one (`free_numbers`). Reservations
//! are made in batches (`crate::batch`), one call per batch of the schema's
//! `reserve_numbers` function under the claim's advisory lock (`batch.rs`);
//! an executing call's take-over is made in the same batch.

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};

use super::batch;
use super::sql::BACKEND;
use super::store::PostgresStore;
use crate::unavailable::whole;

impl PostgresStore {
    /// The key of a claim's advisory lock: one transaction at a time
    /// changes a claim's pool.
    fn lock_key(&self, claim_id: &str) -> String {
        format!("claimkit {} {}", self.inner.schema, claim_id)
    }

    /// Begins a transaction that holds `claim_id`'s lock, its expired
    /// reservations freed, and answers the number `attempt_id` holds.
    async fn lock_claim(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> Result<(sqlx::Transaction<'static, sqlx::Postgres>, Option<i64>), sqlx::Error> {
        let sql = self.sql();
        let mut tx = self.pool.begin().await?;
        sqlx::query(&sql.lock_claim)
            .bind(self.lock_key(claim_id))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&sql.free_expired_reservations)
            .bind(claim_id)
            .execute(&mut *tx)
            .await?;
        let held: Option<i64> = sqlx::query_scalar(&sql.held_number)
            .bind(claim_id)
            .bind(attempt_id)
            .fetch_optional(&mut *tx)
            .await?;
        Ok((tx, held))
    }
}

impl ClaimNumbers for PostgresStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.take_over_or_reserve(pool, None, attempt_id).await
    }

    /// Both steps in the claim's next batch: one call of `reserve_numbers`
    /// (one round trip, one commit) for the whole batch.
    async fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<u64, Error> {
        let batcher = || batch::Batcher {
            pool: self.pool.clone(),
            sql: self.inner.sql.clone(),
            lock_key: self.lock_key(pool.claim_id),
            connection: None,
        };
        self.inner
            .batches
            .take_over_or_reserve(
                pool.claim_id,
                holder,
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

    async fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<Option<u64>, Error> {
        self.run(async {
            let (mut tx, mut number) = self.lock_claim(pool.claim_id, attempt_id).await?;
            if let (None, Some(holder)) = (number, holder) {
                number = sqlx::query_scalar(&self.sql().hand_over_number)
                    .bind(pool.claim_id)
                    .bind(holder)
                    .bind(attempt_id)
                    .bind(pool.hold.as_secs_f64())
                    .fetch_optional(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(number
                .map(|number| whole(BACKEND, "a claim number", number))
                .transpose())
        })
        .await
    }

    async fn assign(&self, claim_id: &str, attempt_id: &str, number: u64) -> Result<bool, Error> {
        let Ok(number) = i64::try_from(number) else {
            return Err(Error::new(ErrorKind::Exhausted));
        };
        self.run(async {
            let (mut tx, held) = self.lock_claim(claim_id, attempt_id).await?;
            let assigned = match held {
                Some(held) if held != number => false,
                Some(_) => {
                    sqlx::query(&self.sql().confirm_held_number)
                        .bind(claim_id)
                        .bind(attempt_id)
                        .execute(&mut *tx)
                        .await?;
                    true
                }
                None => {
                    let assigned: Option<i64> = sqlx::query_scalar(&self.sql().assign_number)
                        .bind(claim_id)
                        .bind(number)
                        .bind(attempt_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    assigned.is_some()
                }
            };
            tx.commit().await?;
            Ok(Ok(assigned))
        })
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
