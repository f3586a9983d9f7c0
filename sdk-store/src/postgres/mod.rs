//! The PostgreSQL backend: shared by replicas, claim numbers never repeat.

mod actions;
mod batch;
mod schema;
mod sql;

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimkit::store::{
    Begun, ClaimNumbers, ClaimPool, ClaimTokens, Deliveries, DeliveryTerms, Lease,
};
use claimkit::{Error, ErrorKind};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio::sync::oneshot;

use crate::unavailable::{bounded, unavailable, whole, NoAnswer, DEFAULT_TIMEOUT};
use sql::Statements;

const BACKEND: &str = "postgres";

/// A boxed `Send` future: sqlx's executor bounds are too general for the
/// compiler to see that a caller's future is `Send` otherwise.
type Boxed<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// How often expired tokens and deliveries are deleted, and how many at a
/// time.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
const SWEEP_BATCH: i64 = 1000;

/// Every store trait ([`ClaimNumbers`], [`ClaimTokens`], [`Deliveries`],
/// [`Actions`](claimkit::store::Actions)) in PostgreSQL: the store for replicas where **a claim number must never be
/// handed out twice**, failover included (with synchronous replication, a
/// committed reservation is on the standby before the call returns).
///
/// - **Atomic.** Reservations are made in transactions holding an advisory
///   lock of their claim (`pg_advisory_xact_lock`), so every replica sees
///   the claim's pool one transaction at a time; the primary key `(claim,
///   number)` is the last guard. Tokens and deliveries are single
///   `INSERT … ON CONFLICT` statements.
/// - **Group commit.** The reservations waiting on one claim in a process
///   are made in one transaction with one commit, so a drop on one claim is
///   not held to one reservation per WAL flush; `Ok` still means committed.
/// - **One clock.** Every expiry is by the database's `now()`.
/// - **Tables of its own.** The schema (`claimkit` unless
///   [`PostgresBuilder::schema`] says otherwise) holds the tables and a
///   version table of their own, created and upgraded by the store when it
///   opens, under an advisory lock, so replicas starting at once are safe
///   and an application's migrations never see them.
/// - **Bounded.** Every operation, waiting for a connection included, fails
///   with [`ErrorKind::Unavailable`] (`503`) after
///   [`PostgresBuilder::timeout`] (2 s by default); the pool reconnects by
///   itself when the database is back. Expired tokens and deliveries are
///   deleted as the store runs.
///
/// ```no_run
/// use claimkit_store::PostgresStore;
/// # async fn run() -> Result<(), claimkit::Error> {
/// let store = PostgresStore::connect("postgres://app@db.internal/app").await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    inner: Arc<Inner>,
}

struct Inner {
    /// Where the database is, its password hidden.
    place: String,
    schema: String,
    sql: Arc<Statements>,
    timeout: Duration,
    started: Instant,
    /// Reservations waiting for their claim's next batch.
    batches: Arc<batch::Batches>,
    /// Seconds after `started` of the next sweep of each table.
    next_token_sweep: AtomicU64,
    next_delivery_sweep: AtomicU64,
    next_action_sweep: AtomicU64,
    actions: actions::ActionStatements,
}

impl fmt::Display for PostgresStore {
    /// `postgres://user:***@host/db (schema NAME)`: no password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (schema {})", self.inner.place, self.inner.schema)
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.inner.schema)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Options of a [`PostgresStore`]: its schema and its time bound.
///
/// ```no_run
/// use std::time::Duration;
/// use claimkit_store::PostgresStore;
/// # async fn run() -> Result<(), claimkit::Error> {
/// let store = PostgresStore::builder()
///     .schema("plugin_state")
///     .timeout(Duration::from_secs(1))
///     .connect("postgres://app@db.internal/app")
///     .await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
#[derive(Debug, Clone)]
pub struct PostgresBuilder {
    place: Option<String>,
    schema: String,
    timeout: Duration,
}

impl PostgresStore {
    /// The schema the store's tables are in unless told otherwise.
    pub const DEFAULT_SCHEMA: &'static str = "claimkit";

    /// Connects to the database `url` names (`postgres://…` or
    /// `postgresql://…`), with the default schema and time bound, and
    /// creates or upgrades the store's tables.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a URL sqlx does not accept, and
    /// with the database's reason when it refuses for good (a failed
    /// authentication, an unknown database or role, no permission on the
    /// schema); [`ErrorKind::Unavailable`] when the database cannot be
    /// reached in time. Messages and logs never hold the password; the
    /// driver's error is the `source()`.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::builder().connect(url).await
    }

    /// A store on the application's own pool, in the default schema,
    /// creating or upgrading the store's tables.
    ///
    /// Operations are bounded by the default time; the pool's own
    /// `acquire_timeout` should be no longer.
    ///
    /// # Errors
    /// As [`connect`](Self::connect).
    pub async fn new(pool: PgPool) -> Result<Self, Error> {
        Self::builder().open(pool).await
    }

    /// Options: the schema and the time bound.
    pub fn builder() -> PostgresBuilder {
        PostgresBuilder {
            place: None,
            schema: Self::DEFAULT_SCHEMA.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The pool the store runs on.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema of the store's tables.
    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    async fn run<T>(
        &self,
        operation: impl std::future::Future<Output = Result<Result<T, Error>, sqlx::Error>>,
    ) -> Result<T, Error> {
        bounded(BACKEND, self.inner.timeout, operation).await
    }

    /// Whether a sweep of the table whose next sweep time is `next` is due,
    /// claiming it for this call.
    fn sweep_due(&self, next: &AtomicU64) -> bool {
        let now = self.inner.started.elapsed().as_secs();
        let due = next.load(Ordering::Relaxed);
        now >= due
            && next
                .compare_exchange(
                    due,
                    now + SWEEP_EVERY.as_secs(),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    async fn sweep(&self, statement: &str) -> Result<(), sqlx::Error> {
        let deleted = sqlx::query(statement)
            .bind(SWEEP_BATCH)
            .execute(&self.pool)
            .await?
            .rows_affected();
        tracing::debug!(deleted, "expired entries deleted");
        Ok(())
    }

    /// Queues the reservation on its claim's next batch (starting the
    /// claim's leader when none runs) and waits for the answer.
    async fn reserve_batched(
        &self,
        pool: &ClaimPool<'_>,
        attempt_id: &str,
    ) -> Result<Result<u64, Error>, oneshot::error::RecvError> {
        let (reply, answer) = oneshot::channel();
        let waiter = batch::Waiter {
            attempt: attempt_id.to_owned(),
            limit: pool.limit,
            hold: pool.hold,
            reply,
        };
        if self.inner.batches.queue(pool.claim_id, waiter) {
            let batcher = batch::Batcher {
                pool: self.pool.clone(),
                sql: self.inner.sql.clone(),
                lock_key: format!("claimkit {} {}", self.inner.schema, pool.claim_id),
                timeout: self.inner.timeout,
            };
            tokio::spawn(batch::lead(
                self.inner.batches.clone(),
                batcher,
                pool.claim_id.to_owned(),
            ));
        }
        answer.await
    }
}

impl PostgresBuilder {
    /// The schema of the store's tables (`claimkit` by default): an
    /// unquoted PostgreSQL identifier of lowercase ASCII letters, digits
    /// and `_`, not starting with a digit, at most 63 bytes. Tests give
    /// each store its own.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// The bound on one operation, waiting for a connection included (2 s
    /// by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects to the database `url` names and opens the store: a pool
    /// whose connections wait at most the time bound and whose statements
    /// the server cancels after it.
    ///
    /// # Errors
    /// As [`PostgresStore::connect`]; [`ErrorKind::InvalidConfig`] for a
    /// schema name that is not a plain identifier.
    pub async fn connect(mut self, url: &str) -> Result<PostgresStore, Error> {
        let options = PgConnectOptions::from_str(url).map_err(|err| {
            tracing::error!(url = %crate::url::redact(url), error = %err, "invalid PostgreSQL URL");
            Error::with_message(ErrorKind::InvalidConfig, "invalid PostgreSQL URL").with_source(err)
        })?;
        let statement_timeout = self.timeout.as_millis().max(1).to_string();
        let options = options
            .application_name("claimkit")
            .options([("statement_timeout", statement_timeout.as_str())]);
        let pool = PgPoolOptions::new()
            .acquire_timeout(self.timeout)
            .connect_lazy_with(options);
        let place = crate::url::redact(url);
        tracing::info!(url = %place, schema = %self.schema, "PostgreSQL store");
        self.place = Some(place);
        self.open(pool).await
    }

    /// Opens the store on the application's own pool.
    ///
    /// # Errors
    /// As [`PostgresStore::new`]; [`ErrorKind::InvalidConfig`] for a schema
    /// name that is not a plain identifier.
    pub async fn open(self, pool: PgPool) -> Result<PostgresStore, Error> {
        if !schema::is_identifier(&self.schema) {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "invalid schema name: expected lowercase letters, digits and _",
            ));
        }
        let migrate = Box::pin(schema::migrate(&pool, &self.schema)) as Boxed<'_, _>;
        match tokio::time::timeout(self.timeout, migrate).await {
            Ok(Ok(migrated)) => migrated?,
            Ok(Err(err)) => return Err(refused(err)),
            Err(_) => return Err(unavailable(BACKEND, NoAnswer(self.timeout))),
        }
        Ok(PostgresStore {
            pool,
            inner: Arc::new(Inner {
                place: self
                    .place
                    .unwrap_or_else(|| "postgres (the application's pool)".to_owned()),
                sql: Arc::new(Statements::new(&self.schema)),
                actions: actions::ActionStatements::new(&self.schema),
                batches: Arc::default(),
                schema: self.schema,
                timeout: self.timeout,
                started: Instant::now(),
                next_token_sweep: AtomicU64::new(0),
                next_delivery_sweep: AtomicU64::new(0),
                next_action_sweep: AtomicU64::new(0),
            }),
        })
    }
}

/// The error of a store that could not open: [`ErrorKind::InvalidConfig`]
/// with the database's reason when waiting will not help (authentication,
/// an unknown database or role, no permission on the schema), else
/// [`ErrorKind::Unavailable`]. The database's messages name no password.
fn refused(err: sqlx::Error) -> Error {
    let permanent = err.as_database_error().and_then(|db| {
        let code = db.code()?;
        // 28: invalid authorization; 3D000: unknown database; 42501: no
        // privilege; 3F000: unknown schema.
        (code.starts_with("28") || matches!(&*code, "3D000" | "42501" | "3F000"))
            .then(|| db.message().to_owned())
    });
    match permanent {
        Some(reason) => {
            tracing::error!(error = %err, "the PostgreSQL store refused the configuration");
            Error::with_message(
                ErrorKind::InvalidConfig,
                format!("the PostgreSQL store refused the configuration: {reason}"),
            )
            .with_source(err)
        }
        None => unavailable(BACKEND, err),
    }
}

impl ClaimNumbers for PostgresStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        bounded(
            BACKEND,
            self.inner.timeout,
            self.reserve_batched(pool, attempt_id),
        )
        .await
    }

    async fn preview(&self, pool: &ClaimPool<'_>) -> Result<u64, Error> {
        self.run(async {
            let number: i64 = sqlx::query_scalar(&self.inner.sql.preview)
                .bind(pool.claim_id)
                .fetch_one(&self.pool)
                .await?;
            let number = match whole(BACKEND, "a claim number", number) {
                Ok(number) => number,
                Err(corrupt) => return Ok(Err(corrupt)),
            };
            Ok(match pool.limit {
                Some(limit) if number >= limit => Err(Error::new(ErrorKind::Exhausted)),
                _ => Ok(number),
            })
        })
        .await
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.run(async {
            sqlx::query(&self.inner.sql.confirm)
                .bind(claim_id)
                .bind(attempt_id)
                .execute(&self.pool)
                .await?;
            Ok(Ok(()))
        })
        .await
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.run(async {
            sqlx::query(&self.inner.sql.release)
                .bind(claim_id)
                .bind(attempt_id)
                .execute(&self.pool)
                .await?;
            Ok(Ok(()))
        })
        .await
    }
}

impl ClaimTokens for PostgresStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        self.run(async {
            if self.sweep_due(&self.inner.next_token_sweep) {
                self.sweep(&self.inner.sql.sweep_tokens).await?;
            }
            let token: String = sqlx::query_scalar(&self.inner.sql.issue)
                .bind(attempt_id)
                .bind(claimkit::store::random_token())
                .bind(retention.as_secs_f64())
                .fetch_one(&self.pool)
                .await?;
            Ok(Ok(token))
        })
        .await
    }
}

impl Deliveries for PostgresStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        self.run(async {
            if self.sweep_due(&self.inner.next_delivery_sweep) {
                self.sweep(&self.inner.sql.sweep_deliveries).await?;
            }
            let lease = Lease::random();
            let holder: Option<String> = sqlx::query_scalar(&self.inner.sql.begin)
                .bind(key)
                .bind(lease.token())
                .bind(terms.lease.as_secs_f64())
                .fetch_one(&self.pool)
                .await?;
            Ok(Ok(match holder {
                Some(token) if token == lease.token() => Begun::Leased(lease),
                Some(_) => Begun::InFlight,
                None => Begun::Done,
            }))
        })
        .await
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        self.run(async {
            let done = sqlx::query(&self.inner.sql.complete)
                .bind(key)
                .bind(lease.token())
                .bind(terms.retention.as_secs_f64())
                .execute(&self.pool)
                .await?;
            Ok(Ok(done.rows_affected() == 1))
        })
        .await
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        self.run(async {
            let freed = sqlx::query(&self.inner.sql.abandon)
                .bind(key)
                .bind(lease.token())
                .execute(&self.pool)
                .await?;
            Ok(Ok(freed.rows_affected() == 1))
        })
        .await
    }
}
