//! claimkit-store keeps a plugin's state where it survives a crash and is
//! shared by replicas: claim numbers, claim tokens and webhook deliveries,
//! behind the store traits of [`claimkit::store`].
//!
//! # Design
//!
//! The rules (which number is lowest free, when a lease expires, what a
//! duplicate in flight gets) are claimkit's; each backend here only makes
//! the core's operations atomic on its engine, and every backend passes the
//! core's conformance suite (`claimkit::testing::conformance`).
//!
//! [`Store`] picks a backend from a URL at run time (`memory:`,
//! `sqlite:PATH`), so that one binary serves with any of them.
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `sqlite` | yes | the embedded SQLite backend |
//! | `postgres` | no | [`PostgresStore`]: shared by replicas, claim numbers never repeat |
//! | `redis` | no | [`RedisStore`]: shared by replicas, replicated asynchronously |

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
#[cfg(any(feature = "postgres", feature = "redis"))]
mod unavailable;
#[cfg(any(feature = "postgres", feature = "redis"))]
mod url;

#[cfg(feature = "postgres")]
pub use postgres::{PostgresBuilder, PostgresStore};
#[cfg(feature = "redis")]
pub use redis::{RedisBuilder, RedisStore};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::Store;
