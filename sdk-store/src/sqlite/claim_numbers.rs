//! Claim numbers on SQLite: one row per number ever handed out, in
//! `claimkit_claim_numbers`: confirmed (an attempt, no expiry), reserved
//! (an attempt and an expiry) or free (no attempt). An expired reservation
//! is free; each transaction marks a claim's expired reservations free
//! before its first reservation, so that the lowest free number is one
//! index look-up away.

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};
use sqlx::SqliteConnection;

use super::statement::Statement;
use super::store::SqliteStore;
use super::writer::{Batch, Write, BACKEND};
use crate::unavailable::whole;

const FREE_EXPIRED_RESERVATIONS: &str = include_str!("sql/free_expired_reservations.sql");
const RESERVE_LOWEST_FREE: &str = include_str!("sql/reserve_lowest_free.sql");
const HELD_NUMBER: &str = include_str!("sql/held_number.sql");
const LOWEST_FREE: &str = include_str!("sql/lowest_free.sql");
const CONFIRM_NUMBER: &str = include_str!("sql/confirm_number.sql");
const RELEASE_NUMBER: &str = include_str!("sql/release_number.sql");

/// Reserves the lowest free number for an attempt (or answers the one it
/// holds).
struct Reserve {
    claim_id: String,
    attempt_id: String,
    /// The bound; `None` also for a bound beyond SQLite's integers.
    limit: Option<i64>,
    hold_ms: i64,
}

impl Write for Reserve {
    type Output = u64;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<u64, Error>, sqlx::Error> {
        if !batch.swept.contains(&self.claim_id) {
            sqlx::query(FREE_EXPIRED_RESERVATIONS)
                .bind(&self.claim_id)
                .bind(batch.now)
                .execute(&mut *tx)
                .await?;
            batch.swept.insert(self.claim_id.clone());
        }
        let reserved: Option<i64> = sqlx::query_scalar(RESERVE_LOWEST_FREE)
            .bind(&self.claim_id)
            .bind(&self.attempt_id)
            .bind(batch.now.saturating_add(self.hold_ms))
            .bind(self.limit)
            .fetch_optional(&mut *tx)
            .await?;
        let number = match reserved {
            Some(number) => Some(number),
            None => {
                sqlx::query_scalar(HELD_NUMBER)
                    .bind(&self.claim_id)
                    .bind(&self.attempt_id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        Ok(match number {
            Some(number) => whole(BACKEND, "a claim number", number),
            None => Err(Error::new(ErrorKind::Exhausted)),
        })
    }
}

impl ClaimNumbers for SqliteStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.write(Reserve {
            claim_id: pool.claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
            limit: pool.limit.and_then(|limit| i64::try_from(limit).ok()),
            hold_ms: super::millis(pool.hold),
        })
        .await
    }

    async fn lowest_free(&self, claim_id: &str) -> Result<u64, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let number: i64 = sqlx::query_scalar(LOWEST_FREE)
                .bind(claim_id)
                .bind(now)
                .fetch_one(&mut *connection)
                .await?;
            Ok(whole(BACKEND, "a claim number", number))
        })
        .await
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let confirm = Statement::new(CONFIRM_NUMBER)
            .text(claim_id)
            .text(attempt_id)
            .now();
        // Confirming a number no longer held changes nothing, as it should.
        self.write(confirm).await.map(drop)
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let release = Statement::new(RELEASE_NUMBER)
            .text(claim_id)
            .text(attempt_id);
        // Releasing a number no longer held changes nothing, as it should.
        self.write(release).await.map(drop)
    }
}
