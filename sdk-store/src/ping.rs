//! [`Ping`] through [`Store`]: each backend's own is the smallest round
//! trip it has (in its `store.rs`), for a readiness check
//! (`claimkit::health`).
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
