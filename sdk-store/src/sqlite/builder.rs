//! Opening a SQLite store: its options, its file's settings, its writer.

use std::path::Path;
use std::time::{Duration, Instant};

use claimkit::{Error, ErrorKind};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::ConnectOptions;
use tokio::sync::mpsc;

use super::schema;
use super::store::SqliteStore;
use super::writer::{Writer, BACKEND};
use crate::unavailable::{corrupt, unavailable};

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
    create: bool,
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

    /// Whether [`connect`](Self::connect) creates a missing file (it does
    /// unless told otherwise). An operator's tool opens an existing store
    /// only, so that a mistyped path creates nothing.
    pub fn create_if_missing(mut self, create: bool) -> Self {
        self.create = create;
        self
    }

    /// Opens (creating it if needed, unless told otherwise) the SQLite
    /// file at `path`, with a pool of its own, and brings its schema up to
    /// date.
    ///
    /// # Errors
    /// As [`SqliteStore::connect`]; [`ErrorKind::InvalidConfig`] for a
    /// missing file that is not to be created.
    pub async fn connect(self, path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        if !self.create && !path.as_ref().is_file() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                format!("no SQLite store at {}", path.as_ref().display()),
            ));
        }
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(self.create);
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
            }
            .run(),
        );
        Ok(SqliteStore::with_writer(pool, jobs, path, self.timeout))
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
            create: true,
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
                Err(schema::MigrateError::Corrupt(version)) => {
                    return Err(corrupt(
                        BACKEND,
                        format!("the schema's version is {version}"),
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
