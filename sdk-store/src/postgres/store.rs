//! The PostgreSQL store: its pool, its schema's statements, and the bound
//! on every operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use claimkit::health::Ping;
use claimkit::Error;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};

use super::sql::{Statements, BACKEND};
use crate::batch::Batches;
use crate::unavailable::{bounded, unavailable};

const PING: &str = include_str!("sql/ping.sql");

/// Every store trait ([`ClaimNumbers`](claimkit::store::ClaimNumbers),
/// [`ClaimTokens`](claimkit::store::ClaimTokens),
/// [`Deliveries`](claimkit::store::Deliveries),
/// [`Actions`](claimkit::store::Actions), [`Purge`](claimkit::store::Purge))
/// in PostgreSQL: the store for replicas where **a claim number must never
/// be handed out twice**, failover included (with synchronous replication, a
/// committed reservation is on the standby before the call returns).
///
/// - **Atomic.** Reservations are made in transactions holding an advisory
///   lock of their claim (`pg_advisory_xact_lock`), so every replica sees
///   the claim's pool one transaction at a time; the primary key `(claim,
///   number)` is the last guard. Tokens and deliveries are single
///   `INSERT … ON CONFLICT` statements.
/// - **Group commit.** The reservations waiting on one claim in a process
///   are made by one call of a function of the schema, one round trip and
///   one commit, so a drop on one claim is not held to one reservation per
///   WAL flush; `Ok` still means committed.
/// - **One clock.** Every expiry is by the database's `now()`.
/// - **Tables of its own.** The schema (`claimkit` unless
///   [`PostgresBuilder::schema`](crate::PostgresBuilder::schema) says otherwise) holds the tables and a
///   version table of their own, created and upgraded by the store when it
///   opens, under an advisory lock, so replicas starting at once are safe
///   and an application's migrations never see them.
/// - **Bounded.** Every operation, waiting for a connection included, fails
///   with [`ErrorKind::Unavailable`](claimkit::ErrorKind::Unavailable) (`503`) after
///   [`PostgresBuilder::timeout`](crate::PostgresBuilder::timeout) ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
///   unless set); the pool reconnects by itself when the database is back.
/// - **Expiry.** What expired counts as gone at once; [`Purge`](claimkit::store::Purge),
///   which a runner drives, deletes it.
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
    pub(super) pool: PgPool,
    pub(super) inner: Arc<Inner>,
}

/// What the clones of one store share.
pub(super) struct Inner {
    /// Where the database is, its password hidden.
    pub(super) place: String,
    pub(super) schema: String,
    pub(super) sql: Arc<Statements>,
    pub(super) timeout: Duration,
    /// Reservations waiting for their claim's next batch.
    pub(super) batches: Arc<Batches>,
}

impl PostgresStore {
    /// The schema the store's tables are in unless told otherwise.
    pub const DEFAULT_SCHEMA: &'static str = "claimkit";

    /// The pool the store runs on.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema of the store's tables.
    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    /// The statements, made for the store's schema.
    pub(super) fn sql(&self) -> &Statements {
        &self.inner.sql
    }

    /// Runs `operation` within the store's bound: its own answer, or
    /// [`ErrorKind::Unavailable`](claimkit::ErrorKind::Unavailable) when the
    /// database failed or did not answer in time.
    pub(super) async fn run<T>(
        &self,
        operation: impl Future<Output = Result<Result<T, Error>, sqlx::Error>>,
    ) -> Result<T, Error> {
        bounded(BACKEND, self.inner.timeout, operation).await
    }

    /// Runs one statement within the store's bound, answered whether it
    /// changed exactly one row: a fenced step of a lease, a state change.
    pub(super) async fn changes_one(
        &self,
        statement: Query<'_, Postgres, PgArguments>,
    ) -> Result<bool, Error> {
        self.run(async { Ok(Ok(statement.execute(&self.pool).await?.rows_affected() == 1)) })
            .await
    }
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

/// The smallest round trip: `SELECT 1` on a connection of the pool.
impl Ping for PostgresStore {
    async fn ping(&self) -> Result<(), Error> {
        sqlx::query(PING)
            .execute(self.pool())
            .await
            .map(drop)
            .map_err(|err| unavailable(BACKEND, err))
    }
}
