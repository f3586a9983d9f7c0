//! Claim numbers on SQLite: one row per number ever handed out, in
//! `claimkit_claim_numbers`: confirmed (an attempt, no expiry), reserved
//! (an attempt and an expiry) or free (no attempt). An expired reservation
//! is free. A transaction makes its reservations of one claim together: it
//! marks the claim's expired reservations free, looks up in one statement
//! the numbers its attempts (and the holders they take over from) hold, the
//! lowest free numbers and the next one, and takes them in one statement,
//! whatever the number of reservations (hand-overs in one more).

use std::collections::HashMap;

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};
use sqlx::SqliteConnection;

use super::reservations::Staged;
use super::statement::Statement;
use super::store::SqliteStore;
use super::writer::{millis, Batch, Write, BACKEND};
use crate::unavailable::{corrupt, decoded, unavailable, whole};

const FREE_EXPIRED_RESERVATIONS: &str = include_str!("sql/free_expired_reservations.sql");
const LOOK_UP_CLAIM: &str = include_str!("sql/look_up_claim.sql");
const TAKE_NUMBERS: &str = include_str!("sql/take_numbers.sql");
const LOWEST_FREE: &str = include_str!("sql/lowest_free.sql");
const CONFIRM_NUMBER: &str = include_str!("sql/confirm_number.sql");
const RELEASE_NUMBER: &str = include_str!("sql/release_number.sql");
const HELD_NUMBER: &str = include_str!("sql/held_number.sql");
const HAND_OVER_NUMBER: &str = include_str!("sql/hand_over_number.sql");
const FREE_GAP: &str = include_str!("sql/free_gap.sql");
const ASSIGN_NUMBER: &str = include_str!("sql/assign_number.sql");
const CONFIRM_HELD_NUMBER: &str = include_str!("sql/confirm_held_number.sql");

/// Reserves the lowest free number for an attempt (or answers the one it
/// holds, or takes over its holder's reservation).
struct Reserve {
    claim_id: String,
    staged: Staged,
}

impl Write for Reserve {
    type Output = u64;

    fn stage(&self, batch: &mut Batch) {
        batch
            .reservations
            .staged
            .entry(self.claim_id.clone())
            .or_default()
            .push(Staged {
                attempt_id: self.staged.attempt_id.clone(),
                holder: self.staged.holder.clone(),
                ..self.staged
            });
    }

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<u64, Error>, sqlx::Error> {
        let reservations = &mut batch.reservations;
        if let Some(staged) = reservations.staged.remove(&self.claim_id) {
            let answers = reserve_together(tx, batch.now, &self.claim_id, &staged).await?;
            reservations.answers.insert(self.claim_id.clone(), answers);
        }
        Ok(reservations
            .answers
            .get(&self.claim_id)
            .and_then(|answers| answers.get(&self.staged.attempt_id))
            .cloned()
            .unwrap_or_else(|| {
                Err(unavailable(
                    BACKEND,
                    "the SQLite writer lost a reservation's answer",
                ))
            }))
    }
}

/// Makes the reservations `staged` of `claim_id`, in order, at `now`: each
/// attempt's answer. An attempt that holds nothing takes over its holder's
/// reservation, if any, before it reserves; each is served as if alone.
async fn reserve_together(
    tx: &mut SqliteConnection,
    now: i64,
    claim_id: &str,
    staged: &[Staged],
) -> Result<HashMap<String, Result<u64, Error>>, sqlx::Error> {
    sweep(tx, now, claim_id).await?;
    let attempts: Vec<&str> = staged
        .iter()
        .map(|s| s.attempt_id.as_str())
        .chain(staged.iter().filter_map(|s| s.holder.as_deref()))
        .collect();
    let attempts =
        serde_json::to_string(&attempts).map_err(|err| sqlx::Error::Encode(err.into()))?;
    let rows: Vec<(i64, Option<String>, i64)> = sqlx::query_as(LOOK_UP_CLAIM)
        .bind(claim_id)
        .bind(attempts)
        .bind(i64::try_from(staged.len()).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
    // What each attempt or holder holds, and whether it is a reservation.
    let (mut held, mut free, mut next) = (HashMap::new(), Vec::new(), None);
    for (kind, attempt, number) in rows {
        match (kind, attempt) {
            (0 | 3, Some(attempt)) => {
                held.insert(attempt, (number, kind == 3));
            }
            (1, None) => free.push(number),
            (2, None) => next = Some(number),
            (kind, _) => {
                return decoded(Err(corrupt(
                    BACKEND,
                    format!("a look-up row of kind {kind}"),
                )))
            }
        }
    }
    let Some(mut next) = next else {
        return decoded(Err(corrupt(BACKEND, "a look-up without the next number")));
    };
    free.sort_unstable();
    let mut free = free.into_iter().peekable();
    let mut taken: Vec<(i64, &str, i64)> = Vec::new();
    let mut handed: Vec<(i64, &str, i64)> = Vec::new();
    let mut answers = HashMap::with_capacity(staged.len());
    for reservation in staged {
        let attempt = reservation.attempt_id.as_str();
        if let Some(&(number, _)) = held.get(attempt) {
            answers.insert(attempt.to_owned(), whole(BACKEND, "a claim number", number));
            continue;
        }
        let holding = reservation.holder.as_deref().and_then(|holder| {
            // A confirmed number is never a hold.
            let &(number, reserved) = held.get(holder)?;
            reserved.then_some((holder, number))
        });
        if let Some((holder, number)) = holding {
            held.remove(holder);
            held.insert(attempt.to_owned(), (number, true));
            let expiry = now.saturating_add(reservation.hold_ms);
            // Taken or handed over earlier in this batch: its row is not
            // written yet, so it changes hands before it is.
            match taken
                .iter_mut()
                .chain(handed.iter_mut())
                .find(|entry| entry.0 == number)
            {
                Some(entry) => *entry = (number, attempt, expiry),
                None => handed.push((number, attempt, expiry)),
            }
            answers.insert(attempt.to_owned(), whole(BACKEND, "a claim number", number));
            continue;
        }
        let (number, freed) = match free.peek() {
            Some(&number) => (number, true),
            None => (next, false),
        };
        let answer = match whole(BACKEND, "a claim number", number) {
            Err(err) => Err(err),
            Ok(_)
                if reservation.limit.is_some_and(|limit| number >= limit) || number == i64::MAX =>
            {
                Err(Error::new(ErrorKind::Exhausted))
            }
            Ok(unsigned) => {
                if freed {
                    free.next();
                } else {
                    next += 1;
                }
                held.insert(attempt.to_owned(), (number, true));
                taken.push((number, attempt, now.saturating_add(reservation.hold_ms)));
                Ok(unsigned)
            }
        };
        answers.insert(attempt.to_owned(), answer);
    }
    // Hand-overs first: a holder that handed its number over may have
    // reserved another, and an attempt holds one number at a time.
    for entries in [handed, taken] {
        if entries.is_empty() {
            continue;
        }
        let entries =
            serde_json::to_string(&entries).map_err(|err| sqlx::Error::Encode(err.into()))?;
        sqlx::query(TAKE_NUMBERS)
            .bind(claim_id)
            .bind(entries)
            .execute(&mut *tx)
            .await?;
    }
    Ok(answers)
}

/// Frees the claim's expired reservations, so that every row with an
/// attempt holds its number.
async fn sweep(tx: &mut SqliteConnection, now: i64, claim_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(FREE_EXPIRED_RESERVATIONS)
        .bind(claim_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
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
        sweep(tx, batch.now, &self.claim_id).await?;
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
        sweep(tx, batch.now, &self.claim_id).await?;
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

impl ClaimNumbers for SqliteStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.take_over_or_reserve(pool, None, attempt_id).await
    }

    /// Both steps as one reservation of the writer's batch: one
    /// transaction, one sync.
    async fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<u64, Error> {
        self.write(Reserve {
            claim_id: pool.claim_id.to_owned(),
            staged: Staged {
                attempt_id: attempt_id.to_owned(),
                holder: holder.map(str::to_owned),
                limit: pool.limit.and_then(|limit| i64::try_from(limit).ok()),
                hold_ms: millis(pool.hold),
            },
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
            hold_ms: millis(pool.hold),
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
