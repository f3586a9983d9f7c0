//! The Redis store: its connection manager, its key prefix, and the bound
//! on every operation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use claimkit::health::Ping;
use claimkit::Error;
use redis::aio::ConnectionManager;
use redis::Script;

use crate::batch::Batches;
use crate::unavailable::{bounded, unavailable};

pub(super) const BACKEND: &str = "redis";

/// Every store trait ([`ClaimNumbers`](claimkit::store::ClaimNumbers),
/// [`ClaimTokens`](claimkit::store::ClaimTokens),
/// [`Deliveries`](claimkit::store::Deliveries),
/// [`Actions`](claimkit::store::Actions), [`Purge`](claimkit::store::Purge))
/// in Redis: fast, shared by replicas, for plugins that can live with a
/// rare repeat.
///
/// **Redis replicates asynchronously.** A reservation acknowledged by the
/// primary may not have reached a replica when the primary fails; after a
/// failover the promoted replica can hand the same claim number out again
/// (and run a status webhook's action twice). Use [`PostgresStore`](crate)
/// (feature `postgres`) where a claim number must never repeat. Durability
/// across a restart of Redis itself is its persistence's (`appendonly yes`
/// and `appendfsync always` for every acknowledged write).
///
/// - **Atomic.** Every operation is one Lua script, loaded once and run by
///   `EVALSHA`. The keys of one claim's pool share a hash tag
///   (`{prefix}:claim:{<claim>}:…`, see `schema.rs`), so the scripts run on Redis Cluster.
/// - **One clock.** Reservations expire by Redis' `TIME`; tokens, leases
///   and done deliveries are keys that Redis expires itself (`PX`), so
///   nothing piles up: a claim keeps only its confirmed numbers, its
///   pending reservations and the numbers freed below its next one. Done
///   and dead actions (one hash field each, which Redis cannot expire) are
///   forgotten by [`Purge`](claimkit::store::Purge), which a runner drives.
/// - **Bounded.** Every operation fails with
///   [`ErrorKind::Unavailable`](claimkit::ErrorKind::Unavailable) (`503`)
///   after [`RedisBuilder::timeout`](crate::RedisBuilder::timeout) ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
///   unless set); the
///   connection manager reconnects by itself when the server is back.
///
/// ```no_run
/// use claimkit_store::RedisStore;
/// # async fn run() -> Result<(), claimkit::Error> {
/// let store = RedisStore::connect("redis://cache.internal:6379").await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[derive(Clone)]
pub struct RedisStore {
    pub(super) connection: ConnectionManager,
    /// Where the server is, its password hidden.
    pub(super) place: Arc<str>,
    pub(super) prefix: Arc<str>,
    pub(super) timeout: Duration,
    /// Reservations waiting for their claim's next batch.
    pub(super) batches: Arc<Batches>,
}

impl RedisStore {
    /// The prefix of every key unless told otherwise.
    pub const DEFAULT_PREFIX: &'static str = "claimkit";

    /// The prefix of every key of the store.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The connection the store runs its scripts on.
    pub fn connection(&self) -> &ConnectionManager {
        &self.connection
    }

    /// Runs `invocation` within the store's bound.
    pub(super) async fn run<T: redis::FromRedisValue>(
        &self,
        invocation: redis::ScriptInvocation<'_>,
    ) -> Result<T, Error> {
        let mut connection = self.connection.clone();
        bounded(BACKEND, self.timeout, async move {
            invocation.invoke_async::<T>(&mut connection).await.map(Ok)
        })
        .await
    }

    /// Runs `command`, an `EVALSHA` of `script` with its keys and arguments,
    /// loading the script first when the server has forgotten it (a
    /// restart). Unbounded: its caller bounds it (a claim's batch is bounded
    /// by its leader, `crate::batch`).
    pub(super) async fn eval<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        command: &redis::Cmd,
    ) -> Result<T, Error> {
        let mut connection = self.connection.clone();
        let answer = match command.query_async(&mut connection).await {
            Err(err) if err.kind() == redis::ErrorKind::NoScriptError => {
                match script.load_async(&mut connection).await {
                    Ok(_) => command.query_async(&mut connection).await,
                    Err(err) => Err(err),
                }
            }
            answer => answer,
        };
        answer.map_err(|err| unavailable(BACKEND, err))
    }

    /// Runs `script` on `keys` with `args`.
    pub(super) async fn script<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        keys: impl IntoIterator<Item = String>,
        args: &[&str],
    ) -> Result<T, Error> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        self.run(invocation).await
    }
}

impl fmt::Display for RedisStore {
    /// `redis://:***@host (prefix TEXT)`: no password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (prefix {})", self.place, self.prefix)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A duration in whole milliseconds, at least 1 (`PX 0` is an error).
pub(super) fn millis(duration: Duration) -> String {
    whole_millis(duration).to_string()
}

/// [`millis`] as a number.
pub(super) fn whole_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// `PING`.
impl Ping for RedisStore {
    async fn ping(&self) -> Result<(), Error> {
        let mut connection = self.connection().clone();
        redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(|err| unavailable(BACKEND, err))
    }
}
