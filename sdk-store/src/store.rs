//! One store type for every backend, chosen by URL at run time.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use claimkit::store::{
    ActionTerms, Actions, Begun, ClaimNumbers, ClaimPool, ClaimTokens, DeadAction, Deliveries,
    DeliveryTerms, DueAction, Lease, MemoryStore, Next, Purge,
};
use claimkit::{Error, ErrorKind};

use crate::metered::metered;

#[cfg(feature = "sqlite")]
use crate::SqliteStore;

/// A store of any backend, chosen by URL: what an application holds in its
/// router's state. Cloning it is cheap and shares the store.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Store {
    /// This process's memory: lost on a restart, not shared by replicas.
    Memory(Arc<MemoryStore>),
    /// One SQLite file: durable, shared by the processes of one host.
    #[cfg(feature = "sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
    Sqlite(SqliteStore),
    /// PostgreSQL, shared by replicas: claim numbers never repeat.
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    Postgres(crate::PostgresStore),
    /// Redis, shared by replicas: fast, but replicated asynchronously.
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    Redis(crate::RedisStore),
}

impl Store {
    /// A new [`MemoryStore`], the same as `connect("memory:")`.
    pub fn memory() -> Self {
        Self::Memory(Arc::new(MemoryStore::default()))
    }

    /// Opens the store `url` names:
    ///
    /// | URL | store |
    /// |---|---|
    /// | `memory:` | [`MemoryStore`]: lost on a restart |
    /// | `memory:?capacity=N` | [`MemoryStore::with_capacity`]`(N)` |
    /// | `sqlite:PATH`, `sqlite://PATH` | [`SqliteStore`] on the file at `PATH` (created if missing; `sqlite:///abs/path` for an absolute one) |
    /// | `postgres://…`, `postgresql://…` (feature `postgres`) | [`PostgresStore`]; `?schema=NAME` picks its schema |
    /// | `redis://…`, `rediss://…` (feature `redis`) | [`RedisStore`]; `?prefix=TEXT` picks its key prefix |
    ///
    /// The backends' options other than these take their defaults; build
    /// a backend with its builder and wrap it (`Store::from`) for more.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a URL of no known backend, or of a
    /// backend whose feature is off;
    /// [`ErrorKind::Unavailable`] when the store cannot be reached.
    /// Messages never hold the URL.
    ///
    #[cfg_attr(not(feature = "sqlite"), doc = "[`SqliteStore`]: crate#crate-features")]
    #[cfg_attr(feature = "postgres", doc = "[`PostgresStore`]: crate::PostgresStore")]
    #[cfg_attr(
        not(feature = "postgres"),
        doc = "[`PostgresStore`]: crate#crate-features"
    )]
    #[cfg_attr(feature = "redis", doc = "[`RedisStore`]: crate::RedisStore")]
    #[cfg_attr(not(feature = "redis"), doc = "[`RedisStore`]: crate#crate-features")]
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, true).await
    }

    /// Opens the store `url` names, as [`connect`](Self::connect) does,
    /// but only if it exists: a `sqlite:` file or a PostgreSQL schema that
    /// is missing is an error, never created (what an operator's tool
    /// opens, so that a mistyped URL changes nothing). `memory:` and Redis
    /// open as with `connect`.
    ///
    /// # Errors
    /// As [`connect`](Self::connect); [`ErrorKind::InvalidConfig`] for a
    /// missing store.
    pub async fn connect_existing(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, false).await
    }

    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres")),
        allow(unused_variables)
    )]
    async fn connect_with(url: &str, create: bool) -> Result<Self, Error> {
        let parsed = crate::url::parse(url)?;
        match parsed.scheme() {
            "memory" => {
                let (rest, capacity) = crate::url::take_param(parsed, "capacity");
                if !rest.path().is_empty() || rest.query().is_some() {
                    return Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        "a memory: store URL takes only ?capacity=N",
                    ));
                }
                match capacity.map(|capacity| capacity.parse()) {
                    None => Ok(Self::memory()),
                    Some(Ok(capacity)) => {
                        Ok(Self::Memory(Arc::new(MemoryStore::with_capacity(capacity))))
                    }
                    Some(Err(_)) => Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        "memory:?capacity=N needs a whole number",
                    )),
                }
            }
            #[cfg(feature = "sqlite")]
            "sqlite" => match crate::url::sqlite_path(&parsed) {
                Some(path) => Ok(Self::Sqlite(
                    SqliteStore::builder()
                        .create_if_missing(create)
                        .connect(path)
                        .await?,
                )),
                None => Err(Error::with_message(
                    ErrorKind::InvalidConfig,
                    "a sqlite: store URL needs a file path: sqlite:PATH",
                )),
            },
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => {
                let (url, schema) = crate::url::take_param(parsed, "schema");
                let builder = crate::PostgresStore::builder().create_if_missing(create);
                let builder = match schema {
                    Some(schema) => builder.schema(schema),
                    None => builder,
                };
                Ok(Self::Postgres(builder.connect(url.as_str()).await?))
            }
            #[cfg(feature = "redis")]
            "redis" | "rediss" => {
                let (url, prefix) = crate::url::take_param(parsed, "prefix");
                let builder = crate::RedisStore::builder();
                let builder = match prefix {
                    Some(prefix) => builder.prefix(prefix),
                    None => builder,
                };
                Ok(Self::Redis(builder.connect(url.as_str()).await?))
            }
            // Reached for a backend whose feature is off.
            #[allow(unreachable_patterns)]
            scheme @ ("sqlite" | "postgres" | "postgresql" | "redis" | "rediss") => {
                Err(Error::with_message(
                    ErrorKind::InvalidConfig,
                    format!("{scheme}: store URLs need claimkit-store's feature of that backend"),
                ))
            }
            scheme => Err(Error::with_message(
                ErrorKind::InvalidConfig,
                format!(
                    "unknown store URL scheme `{scheme}:`: expected {}",
                    crate::url::EXPECTED
                ),
            )),
        }
    }
}

impl fmt::Display for Store {
    /// The store's kind and place, without any secret: `memory:`,
    /// `sqlite:PATH`, `postgres://user:***@host/db (schema NAME)`,
    /// `redis://:***@host (prefix TEXT)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory(_) => f.write_str("memory:"),
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => fmt::Display::fmt(store, f),
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => fmt::Display::fmt(store, f),
            #[cfg(feature = "redis")]
            Self::Redis(store) => fmt::Display::fmt(store, f),
        }
    }
}

#[cfg(feature = "postgres")]
impl From<crate::PostgresStore> for Store {
    fn from(store: crate::PostgresStore) -> Self {
        Self::Postgres(store)
    }
}

#[cfg(feature = "redis")]
impl From<crate::RedisStore> for Store {
    fn from(store: crate::RedisStore) -> Self {
        Self::Redis(store)
    }
}

impl ClaimNumbers for Store {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        metered!(self, Reserve, store => store.reserve(pool, attempt_id))
    }

    async fn lowest_free(&self, claim_id: &str) -> Result<u64, Error> {
        metered!(self, LowestFree, store => store.lowest_free(claim_id))
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        metered!(self, Confirm, store => store.confirm(claim_id, attempt_id))
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        metered!(self, Release, store => store.release(claim_id, attempt_id))
    }

    async fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<Option<u64>, Error> {
        metered!(self, TakeOver, store => store.take_over(pool, holder, attempt_id))
    }

    async fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<u64, Error> {
        metered!(self, TakeOverOrReserve, store => store.take_over_or_reserve(pool, holder, attempt_id))
    }

    async fn assign(&self, claim_id: &str, attempt_id: &str, number: u64) -> Result<bool, Error> {
        metered!(self, Assign, store => store.assign(claim_id, attempt_id, number))
    }
}

impl Purge for Store {
    async fn purge(&self, limit: usize) -> Result<u64, Error> {
        metered!(self, Purge, store => store.purge(limit))
    }
}

impl ClaimTokens for Store {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        metered!(self, Issue, store => store.issue(attempt_id, retention))
    }

    async fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> Result<Option<String>, Error> {
        metered!(self, TakeOverToken, store => store.take_over_token(holder, attempt_id, retention))
    }
}

impl Deliveries for Store {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        metered!(self, Begin, store => store.begin(key, terms))
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        metered!(self, Complete, store => store.complete(key, lease, terms))
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        metered!(self, Abandon, store => store.abandon(key, lease))
    }
}

impl Actions for Store {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        metered!(self, Enqueue, store => store.enqueue(key, payload))
    }

    async fn take_due(&self, limit: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        metered!(self, TakeDue, store => store.take_due(limit, terms))
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        metered!(self, Renew, store => store.renew(key, lease, terms))
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        metered!(self, Succeed, store => store.succeed(key, lease, terms))
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        metered!(self, Fail, store => store.fail(key, lease, next, error, terms))
    }

    async fn dead(&self, limit: usize) -> Result<Vec<DeadAction>, Error> {
        metered!(self, Dead, store => store.dead(limit))
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        metered!(self, Retry, store => store.retry(key))
    }
}

impl claimkit::store::Feeds for Store {
    async fn feed_position(&self, claim_id: &str) -> Result<Option<String>, Error> {
        metered!(self, FeedPosition, store => store.feed_position(claim_id))
    }

    async fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, Error> {
        metered!(self, AdvanceFeed, store => store.advance_feed(claim_id, from, to))
    }
}
