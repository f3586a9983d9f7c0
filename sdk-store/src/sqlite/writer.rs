//! Group commit: one task owns the write connection, and every write
//! waiting when it is free goes into one `BEGIN IMMEDIATE` transaction,
//! one commit and one sync. Each caller is answered after that commit.
//!
//! A write is a typed job: a [`Write`] (an operation of one of the concept
//! files) and the `oneshot` sender of its own [`Write::Output`]. The writer
//! holds them as [`Queued`] trait objects, so that it answers each with the
//! type its caller waits for, with no enum of replies to check.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use claimkit::Error;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{mpsc, oneshot};

use super::reservations::Reservations;
use crate::unavailable::unavailable;

/// The backend's name, in logs.
pub(super) const BACKEND: &str = "sqlite";

/// The most writes committed in one transaction.
const MAX_BATCH: usize = 512;

/// The database's clock, in milliseconds since the Unix epoch.
pub(super) const NOW_MS: &str = include_str!("sql/now_ms.sql");

/// A duration in whole milliseconds, as the statements add it to the
/// database's clock.
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// One write, as a concept file defines it: its statements, run inside the
/// writer's open transaction, and the type of its answer.
pub(super) trait Write: Send + Sync + 'static {
    /// What the caller gets.
    type Output: Send + 'static;

    /// Tells the transaction, before any of its writes runs, what this
    /// write will ask of what they share (nothing, unless said), so that
    /// writes of one kind can be made together.
    fn stage(&self, _batch: &mut Batch) {}

    /// Runs the write at the transaction's time ([`Batch::now`]). The outer
    /// error fails the whole transaction; the inner one is this caller's
    /// answer (no number left, a corrupt row).
    fn apply<'c>(
        &'c self,
        tx: &'c mut SqliteConnection,
        batch: &'c mut Batch,
    ) -> impl Future<Output = Result<Result<Self::Output, Error>, sqlx::Error>> + Send + 'c;
}

/// What the writes of one transaction share.
#[derive(Debug)]
pub(super) struct Batch {
    /// The database's time, read once when the transaction began
    /// (milliseconds since the Unix epoch).
    pub(super) now: i64,
    /// The transaction's reservations, made together claim by claim.
    pub(super) reservations: Reservations,
}

/// A write and where its answer goes.
pub(super) struct Job<W: Write> {
    write: W,
    reply: oneshot::Sender<Result<W::Output, Error>>,
    answer: Option<Result<W::Output, Error>>,
}

impl<W: Write> Job<W> {
    /// `write`, answered on `reply`.
    pub(super) fn new(write: W, reply: oneshot::Sender<Result<W::Output, Error>>) -> Self {
        Self {
            write,
            reply,
            answer: None,
        }
    }
}

type Applied<'c> = Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

/// A job as the writer holds it, whatever its answer's type.
pub(super) trait Queued: Send {
    /// Stages the write (see [`Write::stage`]).
    fn stage(&self, batch: &mut Batch);
    /// Runs the write in the open transaction and keeps its answer.
    fn apply<'c>(&'c mut self, tx: &'c mut SqliteConnection, batch: &'c mut Batch) -> Applied<'c>;
    /// Sends the kept answer (once the transaction committed).
    fn answer(self: Box<Self>);
    /// Sends `err` instead.
    fn fail(self: Box<Self>, err: Error);
    /// Whether the caller gave up waiting.
    fn is_closed(&self) -> bool;
}

impl<W: Write> Queued for Job<W> {
    fn stage(&self, batch: &mut Batch) {
        self.write.stage(batch);
    }

    fn apply<'c>(&'c mut self, tx: &'c mut SqliteConnection, batch: &'c mut Batch) -> Applied<'c> {
        Box::pin(async move {
            self.answer = Some(self.write.apply(tx, batch).await?);
            Ok(())
        })
    }

    fn answer(self: Box<Self>) {
        let answer = self
            .answer
            .unwrap_or_else(|| Err(unavailable(BACKEND, "the SQLite writer lost an answer")));
        // A caller that gave up has its answer already (503).
        let _ = self.reply.send(answer);
    }

    fn fail(self: Box<Self>, err: Error) {
        let _ = self.reply.send(Err(err));
    }

    fn is_closed(&self) -> bool {
        self.reply.is_closed()
    }
}

/// The task that owns the write connection.
pub(super) struct Writer {
    pub(super) options: SqliteConnectOptions,
    pub(super) connection: Option<SqliteConnection>,
    pub(super) jobs: mpsc::Receiver<Box<dyn Queued>>,
}

impl Writer {
    /// Serves jobs until every sender is gone.
    pub(super) async fn run(mut self) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while self.jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
            batch.retain(|job| !job.is_closed());
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
    /// failing write fails only its own caller.
    async fn commit(&mut self, batch: &mut Vec<Box<dyn Queued>>) {
        match self.transaction(batch).await {
            Ok(()) => batch.drain(..).for_each(|job| job.answer()),
            Err(err) if batch.len() == 1 => {
                let err = unavailable(BACKEND, err);
                batch.drain(..).for_each(|job| job.fail(err.clone()));
            }
            Err(err) => {
                tracing::warn!(error = %err, writes = batch.len(), "SQLite batch failed; committing each on its own");
                for job in batch.drain(..) {
                    let mut alone = vec![job];
                    match self.transaction(&mut alone).await {
                        Ok(()) => alone.drain(..).for_each(|job| job.answer()),
                        Err(err) => {
                            let err = unavailable(BACKEND, err);
                            alone.drain(..).for_each(|job| job.fail(err.clone()));
                        }
                    }
                }
            }
        }
    }

    /// Runs `jobs` in one `BEGIN IMMEDIATE` transaction and commits it.
    async fn transaction(&mut self, jobs: &mut [Box<dyn Queued>]) -> Result<(), sqlx::Error> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            slot => slot.insert(self.options.connect().await?),
        };
        let result = async {
            let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
            let now: i64 = sqlx::query_scalar(NOW_MS).fetch_one(&mut *tx).await?;
            let mut batch = Batch {
                now,
                reservations: Reservations::default(),
            };
            for job in jobs.iter() {
                job.stage(&mut batch);
            }
            for job in jobs.iter_mut() {
                job.apply(&mut tx, &mut batch).await?;
            }
            tx.commit().await
        }
        .await;
        if result.is_err() {
            // Open a fresh connection for the next batch.
            self.connection = None;
        }
        result
    }
}
