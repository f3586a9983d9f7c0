//! Group commit: one task owns the write connection, and every operation
//! waiting when it is free goes into one `BEGIN IMMEDIATE` transaction,
//! one commit and one sync. Each caller is answered after that commit.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use claimkit::store::{random_token, Begun, DueAction, Lease};
use claimkit::{Error, ErrorKind};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{mpsc, oneshot};

use super::{actions, queries, BACKEND};
use crate::unavailable::{unavailable, whole};

/// The most operations committed in one transaction.
const MAX_BATCH: usize = 512;
/// How often expired tokens and deliveries are forgotten.
const PURGE_EVERY: Duration = Duration::from_secs(60);
/// How many of each are forgotten at a time.
const PURGE_LIMIT: i64 = 1000;

/// One write, as a caller asks for it. Times are durations in
/// milliseconds, added to the database's clock in the transaction.
#[derive(Debug)]
pub(crate) enum Op {
    Reserve {
        claim_id: String,
        attempt_id: String,
        limit: Option<i64>,
        hold_ms: i64,
    },
    Confirm {
        claim_id: String,
        attempt_id: String,
    },
    Release {
        claim_id: String,
        attempt_id: String,
    },
    Issue {
        attempt_id: String,
        retention_ms: i64,
    },
    Begin {
        key: String,
        lease_ms: i64,
    },
    Complete {
        key: String,
        lease: String,
        retention_ms: i64,
    },
    Abandon {
        key: String,
        lease: String,
    },
    Enqueue {
        key: String,
        payload: String,
    },
    TakeDue {
        limit: i64,
        lease_ms: i64,
    },
    Renew {
        key: String,
        lease: String,
        lease_ms: i64,
    },
    Succeed {
        key: String,
        lease: String,
        retention_ms: i64,
    },
    /// To `pending` (due after `after_ms`) or `dead` (forgotten after it).
    Fail {
        key: String,
        lease: String,
        state: &'static str,
        after_ms: i64,
        error: String,
    },
    Retry {
        key: String,
    },
}

/// What a write answered.
#[derive(Debug)]
pub(crate) enum Outcome {
    Number(u64),
    Done,
    Token(String),
    Begun(Begun),
    Held(bool),
    Taken(Vec<DueAction>),
}

/// An operation and where its answer goes.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) op: Op,
    pub(crate) reply: oneshot::Sender<Result<Outcome, Error>>,
}

/// The task that owns the write connection.
pub(crate) struct Writer {
    pub(crate) options: SqliteConnectOptions,
    pub(crate) connection: Option<SqliteConnection>,
    pub(crate) jobs: mpsc::Receiver<Job>,
    pub(crate) last_purge: Instant,
}

impl Writer {
    /// Serves jobs until every sender is gone.
    pub(crate) async fn run(mut self) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while self.jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
            // A caller that gave up has its answer already (503).
            batch.retain(|job: &Job| !job.reply.is_closed());
            if !batch.is_empty() {
                self.commit(&mut batch).await;
            }
            batch.clear();
        }
        if let Some(connection) = self.connection.take() {
            let _ = connection.close().await;
        }
    }

    /// Commits `batch` in one transaction and answers each job. If the
    /// transaction fails, each job is tried again alone, so that one
    /// failing operation fails only its own caller.
    async fn commit(&mut self, batch: &mut Vec<Job>) {
        let ops: Vec<&Op> = batch.iter().map(|job| &job.op).collect();
        match self.transaction(&ops).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(err) if batch.len() == 1 => {
                let err = unavailable(BACKEND, err);
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(err.clone()));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, operations = batch.len(), "SQLite batch failed; committing each on its own");
                for job in batch.drain(..) {
                    let outcome = match self.transaction(&[&job.op]).await {
                        Ok(mut outcomes) => outcomes.pop().unwrap_or_else(|| {
                            Err(unavailable(BACKEND, "the SQLite writer lost an answer"))
                        }),
                        Err(err) => Err(unavailable(BACKEND, err)),
                    };
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }

    /// Runs `ops` in one `BEGIN IMMEDIATE` transaction and commits it.
    async fn transaction(
        &mut self,
        ops: &[&Op],
    ) -> Result<Vec<Result<Outcome, Error>>, sqlx::Error> {
        let purge = self.last_purge.elapsed() >= PURGE_EVERY;
        let connection = match &mut self.connection {
            Some(connection) => connection,
            slot => slot.insert(self.options.connect().await?),
        };
        let result = async {
            let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
            let now: i64 = sqlx::query_scalar(queries::NOW_MS)
                .fetch_one(&mut *tx)
                .await?;
            let mut outcomes = Vec::with_capacity(ops.len());
            let mut swept = HashSet::new();
            for op in ops {
                outcomes.push(apply(&mut tx, op, now, &mut swept).await?);
            }
            if purge {
                for purge in [
                    queries::PURGE_TOKENS,
                    queries::PURGE_DELIVERIES,
                    actions::PURGE,
                ] {
                    sqlx::query(purge)
                        .bind(now)
                        .bind(PURGE_LIMIT)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(outcomes)
        }
        .await;
        match &result {
            Ok(_) if purge => self.last_purge = Instant::now(),
            Ok(_) => {}
            // Open a fresh connection for the next batch.
            Err(_) => self.connection = None,
        }
        result
    }
}

/// Applies one operation inside the open transaction at time `now`;
/// `swept` holds the claims whose expired reservations this transaction
/// freed already. The outer error fails the transaction; the inner one is
/// the caller's answer (no number left).
async fn apply<'a>(
    tx: &mut SqliteConnection,
    op: &'a Op,
    now: i64,
    swept: &mut HashSet<&'a str>,
) -> Result<Result<Outcome, Error>, sqlx::Error> {
    let outcome = match op {
        Op::Reserve {
            claim_id,
            attempt_id,
            limit,
            hold_ms,
        } => {
            if swept.insert(claim_id.as_str()) {
                sqlx::query(queries::SWEEP_EXPIRED_RESERVATIONS)
                    .bind(claim_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            let reserved: Option<i64> = sqlx::query_scalar(queries::RESERVE_LOWEST_FREE)
                .bind(claim_id)
                .bind(attempt_id)
                .bind(now.saturating_add(*hold_ms))
                .bind(*limit)
                .fetch_optional(&mut *tx)
                .await?;
            let number = match reserved {
                Some(number) => Some(number),
                None => {
                    sqlx::query_scalar(queries::HELD_NUMBER)
                        .bind(claim_id)
                        .bind(attempt_id)
                        .fetch_optional(&mut *tx)
                        .await?
                }
            };
            match number.map(|number| whole(BACKEND, "a claim number", number)) {
                Some(Ok(number)) => Outcome::Number(number),
                Some(Err(corrupt)) => return Ok(Err(corrupt)),
                None => return Ok(Err(Error::new(ErrorKind::Exhausted))),
            }
        }
        Op::Confirm {
            claim_id,
            attempt_id,
        } => {
            sqlx::query(queries::CONFIRM_NUMBER)
                .bind(claim_id)
                .bind(attempt_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Outcome::Done
        }
        Op::Release {
            claim_id,
            attempt_id,
        } => {
            sqlx::query(queries::RELEASE_NUMBER)
                .bind(claim_id)
                .bind(attempt_id)
                .execute(&mut *tx)
                .await?;
            Outcome::Done
        }
        Op::Issue {
            attempt_id,
            retention_ms,
        } => {
            sqlx::query(queries::ISSUE_TOKEN)
                .bind(attempt_id)
                .bind(random_token())
                .bind(now.saturating_add(*retention_ms))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let token: String = sqlx::query_scalar(queries::HELD_TOKEN)
                .bind(attempt_id)
                .fetch_one(&mut *tx)
                .await?;
            Outcome::Token(token)
        }
        Op::Begin { key, lease_ms } => {
            let lease = Lease::random();
            let leased: Option<String> = sqlx::query_scalar(queries::BEGIN_DELIVERY)
                .bind(key)
                .bind(lease.token())
                .bind(now.saturating_add(*lease_ms))
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            if leased.is_some() {
                Outcome::Begun(Begun::Leased(lease))
            } else {
                let holder: Option<String> = sqlx::query_scalar(queries::DELIVERY_LEASE)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                Outcome::Begun(match holder {
                    Some(_) => Begun::InFlight,
                    None => Begun::Done,
                })
            }
        }
        Op::Complete {
            key,
            lease,
            retention_ms,
        } => {
            let done = sqlx::query(queries::COMPLETE_DELIVERY)
                .bind(key)
                .bind(lease)
                .bind(now.saturating_add(*retention_ms))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Outcome::Held(done.rows_affected() == 1)
        }
        Op::Abandon { key, lease } => {
            let freed = sqlx::query(queries::ABANDON_DELIVERY)
                .bind(key)
                .bind(lease)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Outcome::Held(freed.rows_affected() == 1)
        }
        Op::Enqueue { key, payload } => {
            let new: Option<String> = sqlx::query_scalar(actions::ENQUEUE)
                .bind(key)
                .bind(payload)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            Outcome::Held(new.is_some())
        }
        Op::TakeDue { limit, lease_ms } => {
            Outcome::Taken(actions::take_due(tx, *limit, *lease_ms, now).await?)
        }
        Op::Renew {
            key,
            lease,
            lease_ms,
        } => {
            let renewed = sqlx::query(actions::RENEW)
                .bind(key)
                .bind(lease)
                .bind(now.saturating_add(*lease_ms))
                .execute(&mut *tx)
                .await?;
            Outcome::Held(renewed.rows_affected() == 1)
        }
        Op::Succeed {
            key,
            lease,
            retention_ms,
        } => {
            let done = sqlx::query(actions::SUCCEED)
                .bind(key)
                .bind(lease)
                .bind(now.saturating_add(*retention_ms))
                .execute(&mut *tx)
                .await?;
            Outcome::Held(done.rows_affected() == 1)
        }
        Op::Fail {
            key,
            lease,
            state,
            after_ms,
            error,
        } => {
            let failed = sqlx::query(actions::FAIL)
                .bind(key)
                .bind(lease)
                .bind(*state)
                .bind(now.saturating_add(*after_ms))
                .bind(error)
                .execute(&mut *tx)
                .await?;
            Outcome::Held(failed.rows_affected() == 1)
        }
        Op::Retry { key } => {
            let retried = sqlx::query(actions::RETRY)
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Outcome::Held(retried.rows_affected() == 1)
        }
    };
    Ok(Ok(outcome))
}
