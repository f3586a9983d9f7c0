//! The embedded SQLite backend: one file, WAL, synchronous commits, and
//! concurrent writes committed together.

mod actions;
mod queries;
mod schema;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimkit::store::{
    ActionTerms, Actions, Begun, ClaimNumbers, ClaimPool, ClaimTokens, DeadAction, Deliveries,
    DeliveryTerms, DueAction, Lease, Next,
};
use claimkit::{Error, ErrorKind};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::ConnectOptions;
use tokio::sync::{mpsc, oneshot};

use crate::unavailable::{unavailable, whole, NoAnswer};
use writer::{Job, Op, Outcome, Writer};

const BACKEND: &str = "sqlite";

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
///   transaction: the clock of the machine the file is on.
/// - **Its own tables.** The schema is created and upgraded by this crate,
///   idempotently, in tables named `claimkit_*` with a version table of its
///   own (`claimkit_schema`), never an application's migrations table.
///   Processes that start at once take turns.
/// - **Failures are quick.** A locked or broken database fails a call
///   with [`ErrorKind::Unavailable`] (`503 {"message"}`) within
///   [`SqliteBuilder::timeout`] ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
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
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
    timeout: Duration,
}

/// Options of a [`SqliteStore`]: its time bound.
///
/// ```
/// use std::time::Duration;
/// use claimkit_store::SqliteStore;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), claimkit::Error> {
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("claimkit.db");
/// let store = SqliteStore::builder()
///     .timeout(Duration::from_secs(1))
///     .connect(&path)
///     .await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
#[derive(Debug, Clone)]
pub struct SqliteBuilder {
    timeout: Duration,
}

impl SqliteBuilder {
    /// How long a call waits for the database (its write lock, a pool
    /// connection, its turn in a batch) before it fails with
    /// [`ErrorKind::Unavailable`]; [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
    /// unless set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Opens (creating it if needed) the SQLite file at `path`, with a pool
    /// of its own, and brings its schema up to date.
    ///
    /// # Errors
    /// As [`SqliteStore::connect`].
    pub async fn connect(self, path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(self.timeout)
            // Opened once the write connection has made the file WAL.
            .connect_lazy_with(durable(options, self.timeout));
        self.open(pool).await
    }

    /// Opens the store on the application's own `pool`.
    ///
    /// # Errors
    /// As [`SqliteStore::new`].
    pub async fn open(self, pool: SqlitePool) -> Result<SqliteStore, Error> {
        let options = durable((*pool.connect_options()).clone(), self.timeout);
        let path = options.get_filename().to_owned();
        let connection = open(&options, self.timeout).await?;
        let (jobs, receiver) = mpsc::channel(4 * 1024);
        tokio::spawn(
            Writer {
                options,
                connection: Some(connection),
                jobs: receiver,
                last_purge: Instant::now(),
            }
            .run(),
        );
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                pool,
                jobs,
                path,
                timeout: self.timeout,
            }),
        })
    }
}

impl SqliteStore {
    /// Opens (creating it if needed) the SQLite file at `path`, with a pool
    /// of its own and the default time bound, and brings its schema up to
    /// date.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`] when the file cannot be opened or
    /// migrated (the cause is its `source()`, and logged);
    /// [`ErrorKind::InvalidConfig`] when its schema is newer than this
    /// version of the crate.
    pub async fn connect(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::builder().connect(path).await
    }

    /// Options: the time bound.
    pub fn builder() -> SqliteBuilder {
        SqliteBuilder {
            timeout: crate::DEFAULT_TIMEOUT,
        }
    }

    /// A store on the application's own `pool`: its tables are created
    /// there, beside the application's, and upgraded by this crate.
    ///
    /// Writes use a connection of their own, opened with the pool's
    /// options plus WAL, `synchronous=FULL` and a busy timeout, so that
    /// they are durable whatever the pool's settings. The pool must be on
    /// a file (an in-memory database is not shared by two connections).
    ///
    /// # Errors
    /// As [`connect`](Self::connect).
    pub async fn new(pool: SqlitePool) -> Result<Self, Error> {
        Self::builder().open(pool).await
    }

    /// The pool reads go through.
    pub fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Sends `op` to the writer and waits for its commit.
    async fn write(&self, op: Op) -> Result<Outcome, Error> {
        let (reply, answer) = oneshot::channel();
        let job = Job { op, reply };
        let wait = async {
            let gone = || unavailable(BACKEND, "the SQLite writer has stopped");
            self.inner.jobs.send(job).await.map_err(|_| gone())?;
            answer.await.map_err(|_| gone())?
        };
        match tokio::time::timeout(self.inner.timeout, wait).await {
            Ok(outcome) => outcome,
            Err(_) => Err(unavailable(BACKEND, NoAnswer(self.inner.timeout))),
        }
    }

    /// Reads the lowest free number of `claim_id` now, from the pool.
    async fn preview_number(&self, claim_id: &str) -> Result<i64, sqlx::Error> {
        let mut connection = self.inner.pool.acquire().await?;
        let now: i64 = sqlx::query_scalar(queries::NOW_MS)
            .fetch_one(&mut *connection)
            .await?;
        let number: i64 = sqlx::query_scalar(queries::PREVIEW_LOWEST_FREE)
            .bind(claim_id)
            .bind(now)
            .fetch_one(&mut *connection)
            .await?;
        Ok(number)
    }
}

/// Opens the write connection and migrates the schema. Processes that
/// start at once on a new file may find it locked while one of them makes
/// it WAL, which SQLite reports at once rather than after its busy
/// timeout: such an open is tried again, within `timeout`.
async fn open(
    options: &SqliteConnectOptions,
    timeout: Duration,
) -> Result<SqliteConnection, Error> {
    let started = Instant::now();
    loop {
        let err = match options.connect().await {
            Ok(mut connection) => match schema::migrate(&mut connection).await {
                Ok(()) => return Ok(connection),
                Err(schema::MigrateError::Database(err)) => err,
                Err(schema::MigrateError::Newer(version)) => {
                    tracing::error!(
                        version,
                        supported = schema::VERSION,
                        "the SQLite file's schema is newer than this build of claimkit-store"
                    );
                    return Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        "the store's schema is newer than this version of claimkit-store",
                    ));
                }
            },
            Err(err) => err,
        };
        if !is_busy(&err) || started.elapsed() >= timeout {
            return Err(unavailable(BACKEND, err));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `SQLITE_BUSY` or `SQLITE_LOCKED`, with any extended code.
fn is_busy(err: &sqlx::Error) -> bool {
    let code = err
        .as_database_error()
        .and_then(|err| err.code())
        .and_then(|code| code.parse::<i32>().ok());
    matches!(code.map(|code| code & 0xff), Some(5 | 6))
}

/// WAL, synchronous commits, a busy timeout: the settings every
/// connection of the store has.
fn durable(options: SqliteConnectOptions, timeout: Duration) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(timeout)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn unexpected() -> Error {
    unavailable(BACKEND, "the SQLite writer answered another operation")
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for SqliteStore {
    /// `sqlite:PATH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sqlite:{}", self.inner.path.display())
    }
}

impl ClaimNumbers for SqliteStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        let op = Op::Reserve {
            claim_id: pool.claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
            // A bound beyond SQLite's integers bounds nothing.
            limit: pool.limit.and_then(|limit| i64::try_from(limit).ok()),
            hold_ms: millis(pool.hold),
        };
        match self.write(op).await? {
            Outcome::Number(number) => Ok(number),
            _ => Err(unexpected()),
        }
    }

    async fn preview(&self, pool: &ClaimPool<'_>) -> Result<u64, Error> {
        let number = self
            .preview_number(pool.claim_id)
            .await
            .map_err(|err| unavailable(BACKEND, err))?;
        let number = whole(BACKEND, "a claim number", number)?;
        match pool.limit {
            Some(limit) if number >= limit => Err(Error::new(ErrorKind::Exhausted)),
            _ => Ok(number),
        }
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let op = Op::Confirm {
            claim_id: claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
        };
        match self.write(op).await? {
            Outcome::Done => Ok(()),
            _ => Err(unexpected()),
        }
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let op = Op::Release {
            claim_id: claim_id.to_owned(),
            attempt_id: attempt_id.to_owned(),
        };
        match self.write(op).await? {
            Outcome::Done => Ok(()),
            _ => Err(unexpected()),
        }
    }
}

impl ClaimTokens for SqliteStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        let op = Op::Issue {
            attempt_id: attempt_id.to_owned(),
            retention_ms: millis(retention),
        };
        match self.write(op).await? {
            Outcome::Token(token) => Ok(token),
            _ => Err(unexpected()),
        }
    }
}

impl Deliveries for SqliteStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        let op = Op::Begin {
            key: key.to_owned(),
            lease_ms: millis(terms.lease),
        };
        match self.write(op).await? {
            Outcome::Begun(begun) => Ok(begun),
            _ => Err(unexpected()),
        }
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        let op = Op::Complete {
            key: key.to_owned(),
            lease: lease.token().to_owned(),
            retention_ms: millis(terms.retention),
        };
        match self.write(op).await? {
            Outcome::Held(held) => Ok(held),
            _ => Err(unexpected()),
        }
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        let op = Op::Abandon {
            key: key.to_owned(),
            lease: lease.token().to_owned(),
        };
        match self.write(op).await? {
            Outcome::Held(held) => Ok(held),
            _ => Err(unexpected()),
        }
    }
}

impl Actions for SqliteStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        let op = Op::Enqueue {
            key: key.to_owned(),
            payload: payload.to_owned(),
        };
        held(self.write(op).await?)
    }

    async fn take_due(&self, limit: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        let op = Op::TakeDue {
            limit: i64::try_from(limit).unwrap_or(i64::MAX),
            lease_ms: millis(terms.lease),
        };
        match self.write(op).await? {
            Outcome::Taken(taken) => Ok(taken),
            _ => Err(unexpected()),
        }
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let op = Op::Renew {
            key: key.to_owned(),
            lease: lease.token().to_owned(),
            lease_ms: millis(terms.lease),
        };
        held(self.write(op).await?)
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let op = Op::Succeed {
            key: key.to_owned(),
            lease: lease.token().to_owned(),
            retention_ms: millis(terms.retention),
        };
        held(self.write(op).await?)
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        let (state, after) = match next {
            Next::Retry(delay) => ("pending", delay),
            Next::GiveUp => ("dead", terms.dead_retention),
        };
        let op = Op::Fail {
            key: key.to_owned(),
            lease: lease.token().to_owned(),
            state,
            after_ms: millis(after),
            error: error.to_owned(),
        };
        held(self.write(op).await?)
    }

    async fn dead(&self, limit: usize) -> Result<Vec<DeadAction>, Error> {
        let read = async {
            let mut connection = self.inner.pool.acquire().await?;
            let now: i64 = sqlx::query_scalar(queries::NOW_MS)
                .fetch_one(&mut *connection)
                .await?;
            actions::dead(
                &mut connection,
                i64::try_from(limit).unwrap_or(i64::MAX),
                now,
            )
            .await
        };
        read.await.map_err(|err| unavailable(BACKEND, err))
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        held(
            self.write(Op::Retry {
                key: key.to_owned(),
            })
            .await?,
        )
    }
}

fn held(outcome: Outcome) -> Result<bool, Error> {
    match outcome {
        Outcome::Held(held) => Ok(held),
        _ => Err(unexpected()),
    }
}
