//! [`Ping`] for every backend: the smallest round trip each has, for a
//! readiness check (`claimkit::health`).
//!
//! The readiness check bounds the wait itself
//! ([`Readiness::timeout`](claimkit::health::Readiness::timeout)); a failure
//! is the same `503` every store call answers, with the driver's error as
//! its `source()` and in the log.

use claimkit::health::Ping;
use claimkit::Error;

use crate::Store;

impl Ping for Store {
    async fn ping(&self) -> Result<(), Error> {
        match self {
            Self::Memory(store) => store.ping().await,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.ping().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.ping().await,
            #[cfg(feature = "redis")]
            Self::Redis(store) => store.ping().await,
        }
    }
}

/// `SELECT 1` on a connection of the pool.
#[cfg(feature = "sqlite")]
impl Ping for crate::SqliteStore {
    async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1")
            .execute(self.pool())
            .await
            .map(drop)
            .map_err(|err| crate::unavailable::unavailable("sqlite", err))
    }
}

/// `SELECT 1` on a connection of the pool.
#[cfg(feature = "postgres")]
impl Ping for crate::PostgresStore {
    async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1")
            .execute(self.pool())
            .await
            .map(drop)
            .map_err(|err| crate::unavailable::unavailable("postgres", err))
    }
}

/// `PING`.
#[cfg(feature = "redis")]
impl Ping for crate::RedisStore {
    async fn ping(&self) -> Result<(), Error> {
        let mut connection = self.connection().clone();
        redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(|err| crate::unavailable::unavailable("redis", err))
    }
}
