//! Claim numbers on SQLite: one row per number ever handed out, in
//! `claimkit_claim_numbers`: confirmed (an attempt, no expiry), reserved
//! (an attempt and an expiry) or free (no attempt). An expired reservation
//! is free; each transaction marks a claim's expired reservations free
//! before its first reservation, so that the lowest free number is one
//! index look-up away.

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};
use sqlx::SqliteConnection;

use super::store::SqliteStore;
use super::writer::{Batch, Write, BACKEND};
use crate::unavailable::whole;

const FREE_EXPIRED_RESERVATIONS: &str = include_str!("sql/free_expired_reservations.sql");
const RESERVE_LOWEST_FREE: &str = include_str!("sql/reserve_lowest_free.sql");
const HELD_NUMBER: &str = include_str!("sql/held_number.sql");
const LOWEST_FREE: &str = include_str!("sql/lowest_free.sql");
const CONFIRM_NUMBER: &str = include_str!("sql/confirm_number.sql");
const RELEASE_NUMBER: &str = include_str!("sql/release_number.sql");
const HAND_OVER_NUMBER: &str = include_str!("sql/hand_over_number.sql");
const FREE_GAP: &str = include_str!("sql/free_gap.sql");
const ASSIGN_NUMBER: &str = include_str!("sql/assign_number.sql");
const CONFIRM_HELD_NUMBER: &str = include_str!("sql/confirm_held_number.sql");

/// Frees the claim's expired reservations, once per transaction.
async fn sweep(
    tx: &mut SqliteConnection,
    batch: &mut Batch,
    claim_id: &str,
) -> Result<(), sqlx::Error> {
    if !batch.swept.contains(claim_id) {
        sqlx::query(FREE_EXPIRED_RESERVATIONS)
            .bind(claim_id)
            .bind(batch.now)
            .execute(&mut *tx)
            .await?;
        batch.swept.insert(claim_id.to_owned());
    }
    Ok(())
}

/// The number `attempt_id` holds in `claim_id` (after the sweep).
async fn held(
    tx: &mut SqliteConnection,
    claim_id: &str,
    attempt_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(HELD_NUMBER)
        .bind(claim_id)
        .bind(attempt_id)
        .fetch_optional(&mut *tx)
        .await
}

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
        sweep(tx, batch, &self.claim_id).await?;
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

/// Answers the number an attempt holds, else hands a holder's
/// reservation over to it.
struct TakeOver {
    claim_id: String,
    holder: Option<String>,
    attempt_id: String,
    hold_ms: i64,
}

impl Write for TakeOver {
    type Output = Option<u64>;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<Option<u64>, Error>, sqlx::Error> {
        sweep(tx, batch, &self.claim_id).await?;
        let mut number = held(tx, &self.claim_id, &self.attempt_id).await?;
        if let (None, Some(holder)) = (number, &self.holder) {
            number = sqlx::query_scalar(HAND_OVER_NUMBER)
                .bind(&self.claim_id)
                .bind(holder)
                .bind(&self.attempt_id)
                .bind(batch.now.saturating_add(self.hold_ms))
                .fetch_optional(&mut *tx)
                .await?;
        }
        Ok(number
            .map(|number| whole(BACKEND, "a claim number", number))
            .transpose())
    }
}

/// Confirms a number the platform assigned to an attempt.
struct Assign {
    claim_id: String,
    attempt_id: String,
    number: i64,
}

impl Write for Assign {
    type Output = bool;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<bool, Error>, sqlx::Error> {
        sweep(tx, batch, &self.claim_id).await?;
        if let Some(number) = held(tx, &self.claim_id, &self.attempt_id).await? {
            if number != self.number {
                return Ok(Ok(false));
            }
            sqlx::query(CONFIRM_HELD_NUMBER)
                .bind(&self.claim_id)
                .bind(&self.attempt_id)
                .execute(&mut *tx)
                .await?;
            return Ok(Ok(true));
        }
        sqlx::query(FREE_GAP)
            .bind(&self.claim_id)
            .bind(self.number)
            .execute(&mut *tx)
            .await?;
        let assigned: Option<i64> = sqlx::query_scalar(ASSIGN_NUMBER)
            .bind(&self.claim_id)
            .bind(self.number)
            .bind(&self.attempt_id)
            .fetch_optional(&mut *tx)
            .await?;
        Ok(Ok(assigned.is_some()))
    }
}

/// Confirms (`confirm`) or releases an attempt's reservation.
struct Settle {
    claim_id: String,
    attempt_id: String,
    confirm: bool,
}

impl Write for Settle {
    type Output = ();

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<(), Error>, sqlx::Error> {
        let statement = if self.confirm {
            sqlx::query(CONFIRM_NUMBER)
                .bind(&self.claim_id)
                .bind(&self.attempt_id)
                .bind(batch.now)
        } else {
            sqlx::query(RELEASE_NUMBER)
                .bind(&self.claim_id)
                .bind(&self.attempt_id)
        };
        statement.execute(&mut *tx).await?;
        Ok(Ok(()))
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
        self.write(Settle {
            claim_id: claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
            confirm: true,
        })
        .await
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.write(Settle {
            claim_id: claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
            confirm: false,
        })
        .await
    }

    async fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<Option<u64>, Error> {
        self.write(TakeOver {
            claim_id: pool.claim_id.to_owned(),
            holder: holder.map(str::to_owned),
            attempt_id: attempt_id.to_owned(),
            hold_ms: super::millis(pool.hold),
        })
        .await
    }

    async fn assign(&self, claim_id: &str, attempt_id: &str, number: u64) -> Result<bool, Error> {
        let Ok(number) = i64::try_from(number) else {
            return Err(Error::new(ErrorKind::Exhausted));
        };
        self.write(Assign {
            claim_id: claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
            number,
        })
        .await
    }
}
