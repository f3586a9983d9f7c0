//! The SQLite store: the pool reads go through, and the writer every
//! write goes to.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use claimkit::health::Ping;
use claimkit::Error;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::writer::{Job, Queued, Write, BACKEND, NOW_MS};
use crate::unavailable::{unavailable, NoAnswer};

const PING: &str = include_str!("sql/ping.sql");

/// Claim numbers, claim tokens, deliveries and the action queue in one
/// SQLite file, durable once a call returns `Ok`.
///
/// # Design
///
/// - **Durable.** The file is in WAL mode and every commit is synchronous
///   (`synchronous=FULL`): a reservation that was answered survives
///   `kill -9` and a power loss.
/// - **Group commit.** One task owns the write connection. Every write
///   waiting when it is free (up to 512) goes into one `BEGIN IMMEDIATE`
///   transaction, one commit and one sync, and each caller is answered after
///   that commit. Under load, the cost of a sync is shared by every request
///   that waited for it, instead of a sync per request.
/// - **Two processes on one file** (two replicas on one host) are correct:
///   each write transaction takes SQLite's write lock first
///   (`BEGIN IMMEDIATE`), and a process waits its turn (the busy timeout).
/// - **One clock.** Expiry is by the database's clock, read once per
///   transaction: the clock of the machine the file is on. What expired is
///   deleted by [`Purge`](claimkit::store::Purge), which a runner drives.
/// - **Its own tables.** The schema is created and upgraded by this crate,
///   idempotently, in tables named `claimkit_*` with a version table of its
///   own (`claimkit_schema`), never an application's migrations table.
///   Processes that start at once take turns.
/// - **Typed writes.** Each write is a job that carries its own reply
///   channel of the type its caller waits for: the writer runs the jobs'
///   statements and answers each after the commit.
/// - **Failures are quick.** A locked or broken database fails a call
///   with [`ErrorKind::Unavailable`](claimkit::ErrorKind::Unavailable) (`503 {"message"}`) within
///   [`SqliteBuilder::timeout`](crate::SqliteBuilder::timeout) ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
///   unless set); the cause is the error's `source()` and is logged, never
///   sent.
///
/// Reads that change nothing (a simulation's preview) use the pool; every
/// write goes through the write connection. Needs a Tokio runtime.
///
/// ```
/// use claimkit::store::{ClaimNumbers, ClaimPool, Numbering};
/// use claimkit_store::SqliteStore;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("claimkit.db");
/// let store = SqliteStore::connect(&path).await?;
/// let pool = ClaimPool { claim_id: "c1", limit: Some(100), hold: Numbering::DEFAULT_HOLD };
/// assert_eq!(store.reserve(&pool, "attempt-1").await?, 0);
/// drop(store);
///
/// // After a restart, attempt-1 still holds 0.
/// let store = SqliteStore::connect(&path).await?;
/// assert_eq!(store.reserve(&pool, "attempt-2").await?, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    jobs: mpsc::Sender<Box<dyn Queued>>,
    path: PathBuf,
    timeout: Duration,
}

impl SqliteStore {
    /// The store on `pool`, writing through `jobs`.
    pub(super) fn with_writer(
        pool: SqlitePool,
        jobs: mpsc::Sender<Box<dyn Queued>>,
        path: PathBuf,
        timeout: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool,
                jobs,
                path,
                timeout,
            }),
        }
    }

    /// The pool reads go through.
    pub fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Sends `write` to the writer and waits for its commit, within the
    /// store's time bound.
    pub(super) async fn write<W: Write>(&self, write: W) -> Result<W::Output, Error> {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Queued> = Box::new(Job::new(write, reply));
        let wait = async {
            let gone = || unavailable(BACKEND, "the SQLite writer has stopped");
            self.inner.jobs.send(job).await.map_err(|_| gone())?;
            answer.await.map_err(|_| gone())?
        };
        match tokio::time::timeout(self.inner.timeout, wait).await {
            Ok(answer) => answer,
            Err(_) => Err(unavailable(BACKEND, NoAnswer(self.inner.timeout))),
        }
    }

    /// Runs `read` within the store's time bound: its own answer, or
    /// [`ErrorKind::Unavailable`](claimkit::ErrorKind::Unavailable) when
    /// the database failed or did not answer in time.
    pub(super) async fn read<T>(
        &self,
        read: impl Future<Output = Result<Result<T, Error>, sqlx::Error>>,
    ) -> Result<T, Error> {
        crate::unavailable::bounded(BACKEND, self.inner.timeout, read).await
    }

    /// A pool connection for a read, and the database's time (ms since the
    /// Unix epoch).
    pub(super) async fn reader(&self) -> Result<(PoolConnection<Sqlite>, i64), sqlx::Error> {
        let mut connection = self.inner.pool.acquire().await?;
        let now: i64 = sqlx::query_scalar(NOW_MS)
            .fetch_one(&mut *connection)
            .await?;
        Ok((connection, now))
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for SqliteStore {
    /// `sqlite:PATH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sqlite:{}", self.inner.path.display())
    }
}

/// The smallest round trip: `SELECT 1` on a connection of the pool.
impl Ping for SqliteStore {
    async fn ping(&self) -> Result<(), Error> {
        sqlx::query(PING)
            .execute(self.pool())
            .await
            .map(drop)
            .map_err(|err| unavailable(BACKEND, err))
    }
}
