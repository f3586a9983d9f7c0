//! Group commit of reservations: the reservations waiting on one claim in
//! this process are made together, in one transaction under the claim's
//! lock, with one commit (one WAL flush) for all of them.
//!
//! One claim's reservations are serial by nature (each takes the lowest
//! free number), and a transaction per reservation holds the claim's lock
//! through its commit: one claim would serve at most one reservation per
//! WAL flush. A batch serves every reservation that arrived while the one
//! before it ran.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claimkit::{Error, ErrorKind};
use sqlx::PgPool;
use tokio::sync::oneshot;

use super::sql::Statements;
use super::sql::BACKEND;
use crate::unavailable::{unavailable, whole, NoAnswer};

/// A reservation waiting for its batch.
pub(super) struct Waiter {
    pub(super) attempt: String,
    pub(super) limit: Option<u64>,
    pub(super) hold: Duration,
    pub(super) reply: oneshot::Sender<Result<u64, Error>>,
}

/// Each claim's waiting reservations; a claim present here has a leader
/// task that takes them, batch after batch, until none is left.
#[derive(Default)]
pub(super) struct Batches {
    waiting: Mutex<HashMap<String, Vec<Waiter>>>,
}

/// What a batch needs of the store.
pub(super) struct Batcher {
    pub(super) pool: PgPool,
    pub(super) sql: Arc<Statements>,
    pub(super) lock_key: String,
    pub(super) timeout: Duration,
}

impl Batches {
    /// Queues `waiter` on `claim`; returns `true` when no leader runs for
    /// the claim, so the caller must start one.
    pub(super) fn queue(&self, claim: &str, waiter: Waiter) -> bool {
        let mut waiting = self.lock();
        match waiting.get_mut(claim) {
            Some(list) => {
                list.push(waiter);
                false
            }
            None => {
                waiting.insert(claim.to_owned(), vec![waiter]);
                true
            }
        }
    }

    /// The claim's next batch; `None` (and the claim forgotten) when no
    /// reservation waits.
    fn next(&self, claim: &str) -> Option<Vec<Waiter>> {
        let mut waiting = self.lock();
        let list = waiting.get_mut(claim)?;
        if list.is_empty() {
            waiting.remove(claim);
            return None;
        }
        Some(std::mem::take(list))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Waiter>>> {
        // The map is consistent between statements: a panic cannot leave
        // it half-changed.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The leader of one claim: runs its batches until none waits.
pub(super) async fn lead(batches: Arc<Batches>, batcher: Batcher, claim: String) {
    while let Some(batch) = batches.next(&claim) {
        let run = tokio::time::timeout(batcher.timeout, batcher.reserve(&claim, &batch)).await;
        let answers = match run {
            Ok(Ok(answers)) => answers,
            Ok(Err(err)) => {
                let err = unavailable(BACKEND, err);
                batch.iter().map(|_| Err(err.clone())).collect()
            }
            Err(_) => {
                let err = unavailable(BACKEND, NoAnswer(batcher.timeout));
                batch.iter().map(|_| Err(err.clone())).collect()
            }
        };
        for (waiter, answer) in batch.into_iter().zip(answers) {
            // A waiter that gave up has dropped its receiver.
            let _ = waiter.reply.send(answer);
        }
    }
}

impl Batcher {
    /// Reserves for every waiter of `batch`, in order, in one transaction.
    async fn reserve(
        &self,
        claim: &str,
        batch: &[Waiter],
    ) -> Result<Vec<Result<u64, Error>>, sqlx::Error> {
        let sql = &self.sql;
        let mut tx = self.pool.begin().await?;
        sqlx::query(&sql.lock_claim)
            .bind(&self.lock_key)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&sql.free_expired_reservations)
            .bind(claim)
            .execute(&mut *tx)
            .await?;
        let attempts: Vec<&str> = batch.iter().map(|w| w.attempt.as_str()).collect();
        let (held_attempts, held_numbers, free, next): (
            Vec<String>,
            Vec<i64>,
            Vec<i64>,
            Option<i64>,
        ) = sqlx::query_as(&sql.look_up_claim)
            .bind(claim)
            .bind(&attempts)
            .bind(i64::try_from(batch.len()).unwrap_or(i64::MAX))
            .fetch_one(&mut *tx)
            .await?;
        let mut held: HashMap<String, i64> = held_attempts.into_iter().zip(held_numbers).collect();
        let mut free = free.into_iter().peekable();
        let mut next = next.unwrap_or(0);
        let mut advanced = false;
        let (mut numbers, mut owners, mut holds, mut from_free) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut answers = Vec::with_capacity(batch.len());
        for waiter in batch {
            if let Some(&number) = held.get(&waiter.attempt) {
                answers.push(whole(BACKEND, "a claim number", number));
                continue;
            }
            let (number, freed) = match free.peek() {
                Some(&number) => (number, true),
                None => (next, false),
            };
            let unsigned = match whole(BACKEND, "a claim number", number) {
                Ok(unsigned) => unsigned,
                Err(corrupt) => {
                    answers.push(Err(corrupt));
                    continue;
                }
            };
            if waiter.limit.is_some_and(|limit| unsigned >= limit) || number == i64::MAX {
                answers.push(Err(Error::new(ErrorKind::Exhausted)));
                continue;
            }
            if freed {
                free.next();
                from_free.push(number);
            } else {
                next += 1;
                advanced = true;
            }
            held.insert(waiter.attempt.clone(), number);
            numbers.push(number);
            owners.push(waiter.attempt.as_str());
            holds.push(waiter.hold.as_secs_f64());
            answers.push(Ok(unsigned));
        }
        if !numbers.is_empty() {
            sqlx::query(&sql.take_numbers)
                .bind(claim)
                .bind(&numbers)
                .bind(&owners)
                .bind(&holds)
                .bind(&from_free)
                .bind(next)
                .bind(advanced)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(answers)
    }
}
