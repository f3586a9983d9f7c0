//! The Redis backend: shared by replicas, one Lua script per operation.

mod actions;

use std::fmt;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use claimkit::store::{
    Begun, ClaimNumbers, ClaimPool, ClaimTokens, Deliveries, DeliveryTerms, Lease,
};
use claimkit::{Error, ErrorKind};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use crate::unavailable::{bounded, corrupt, unavailable, NoAnswer, DEFAULT_TIMEOUT};

const BACKEND: &str = "redis";

/// The scripts, loaded once per server and run by `EVALSHA` (loaded again
/// when a restarted server has forgotten them).
struct Scripts {
    reserve: Script,
    preview: Script,
    confirm: Script,
    release: Script,
    issue: Script,
    begin: Script,
    complete: Script,
    abandon: Script,
}

static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    reserve: Script::new(concat!(
        include_str!("expire.lua"),
        include_str!("reserve.lua")
    )),
    preview: Script::new(concat!(
        include_str!("expire.lua"),
        include_str!("preview.lua")
    )),
    confirm: Script::new(concat!(
        include_str!("expire.lua"),
        include_str!("confirm.lua")
    )),
    release: Script::new(concat!(
        include_str!("expire.lua"),
        include_str!("release.lua")
    )),
    issue: Script::new(include_str!("issue.lua")),
    begin: Script::new(include_str!("begin.lua")),
    complete: Script::new(include_str!("complete.lua")),
    abandon: Script::new(include_str!("abandon.lua")),
});

/// Every store trait ([`ClaimNumbers`], [`ClaimTokens`], [`Deliveries`],
/// [`Actions`](claimkit::store::Actions)) in Redis: fast, shared by replicas, for plugins that can live with a rare
/// repeat.
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
///   (`{prefix}:claim:{<claim>}:…`), so the scripts run on Redis Cluster.
/// - **One clock.** Reservations expire by Redis' `TIME`; tokens, leases
///   and done deliveries are keys that Redis expires itself (`PX`), so
///   nothing piles up: a claim keeps only its confirmed numbers, its
///   pending reservations and the numbers freed below its next one.
/// - **Bounded.** Every operation fails with [`ErrorKind::Unavailable`]
///   (`503`) after [`RedisBuilder::timeout`] (2 s by default); the
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
    connection: ConnectionManager,
    /// Where the server is, its password hidden.
    place: Arc<str>,
    prefix: Arc<str>,
    timeout: Duration,
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

/// Options of a [`RedisStore`]: its key prefix and its time bound.
///
/// ```no_run
/// use std::time::Duration;
/// use claimkit_store::RedisStore;
/// # async fn run() -> Result<(), claimkit::Error> {
/// let store = RedisStore::builder()
///     .prefix("plugin-a")
///     .timeout(Duration::from_secs(1))
///     .connect("redis://cache.internal:6379")
///     .await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[derive(Debug, Clone)]
pub struct RedisBuilder {
    place: Option<String>,
    prefix: String,
    timeout: Duration,
}

impl RedisStore {
    /// The prefix of every key unless told otherwise.
    pub const DEFAULT_PREFIX: &'static str = "claimkit";

    /// Connects to the server `url` names (`redis://…` or `rediss://…`)
    /// with the default prefix and time bound.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a URL the `redis` crate does not
    /// accept, and with the server's reason when it refuses for good (a
    /// failed authentication, an unknown database);
    /// [`ErrorKind::Unavailable`] when the server cannot be reached in
    /// time. Messages and logs never hold the password; the driver's error
    /// is the `source()`.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::builder().connect(url).await
    }

    /// A store on the application's own connection manager, with the
    /// default prefix and time bound. Give the manager a response timeout
    /// and a connection timeout no longer than the store's bound.
    ///
    /// # Errors
    /// None with the default prefix; see [`RedisBuilder::open`].
    pub fn new(connection: ConnectionManager) -> Result<Self, Error> {
        Self::builder().open(connection)
    }

    /// Options: the key prefix and the time bound.
    pub fn builder() -> RedisBuilder {
        RedisBuilder {
            place: None,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The prefix of every key of the store.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The four keys of one claim's pool, under one hash tag: its next
    /// number, its held numbers by attempt, its pending reservations by
    /// deadline, its freed numbers.
    fn claim_keys(&self, claim_id: &str) -> [String; 4] {
        let base = format!("{}:claim:{{{}}}", self.prefix, tag(claim_id));
        ["next", "held", "pending", "free"].map(|part| format!("{base}:{part}"))
    }

    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}:{kind}:{{{}}}", self.prefix, tag(id))
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        invocation: redis::ScriptInvocation<'_>,
    ) -> Result<T, Error> {
        let mut connection = self.connection.clone();
        bounded(BACKEND, self.timeout, async move {
            invocation.invoke_async::<T>(&mut connection).await.map(Ok)
        })
        .await
    }

    async fn claim_script<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        claim_id: &str,
        args: &[&str],
    ) -> Result<T, Error> {
        let mut invocation = script.prepare_invoke();
        for key in self.claim_keys(claim_id) {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        self.run(invocation).await
    }
}

/// `id` escaped so that it cannot end a hash tag: `%`, `{` and `}` become
/// `%25`, `%7B` and `%7D`.
fn tag(id: &str) -> std::borrow::Cow<'_, str> {
    if !id.contains(['%', '{', '}']) {
        return id.into();
    }
    id.replace('%', "%25")
        .replace('{', "%7B")
        .replace('}', "%7D")
        .into()
}

/// A duration in whole milliseconds, at least 1 (`PX 0` is an error).
fn millis(duration: Duration) -> String {
    duration
        .as_millis()
        .clamp(1, u128::from(u64::MAX))
        .to_string()
}

/// A claim's bound as a script reads it: `''` for none (and for bounds a
/// Lua number cannot hold exactly, which no claim reaches).
fn limit(limit: Option<u64>) -> String {
    match limit {
        Some(limit) if limit < (1 << 53) => limit.to_string(),
        _ => String::new(),
    }
}

/// A script's claim number: `-1` when none is left; any other negative
/// number is corrupt.
fn number(answer: i64) -> Result<u64, Error> {
    match answer {
        -1 => Err(Error::new(ErrorKind::Exhausted)),
        n => crate::unavailable::whole(BACKEND, "a claim number", n),
    }
}

impl RedisBuilder {
    /// The prefix of every key (`claimkit` by default): any text without
    /// `{` or `}`. Tests give each store its own.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The bound on one operation (2 s by default); connecting and each
    /// response are bounded by it too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects to the server `url` names and opens the store on a
    /// connection manager that reconnects by itself.
    ///
    /// # Errors
    /// As [`RedisStore::connect`]; [`ErrorKind::InvalidConfig`] for a
    /// prefix with `{` or `}`.
    pub async fn connect(mut self, url: &str) -> Result<RedisStore, Error> {
        self.check()?;
        let client = redis::Client::open(url).map_err(|err| {
            tracing::error!(url = %crate::url::redact(url), error = %err, "invalid Redis URL");
            Error::with_message(ErrorKind::InvalidConfig, "invalid Redis URL").with_source(err)
        })?;
        let manager = ConnectionManagerConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(2)
            .set_factor(50)
            .set_max_delay(500);
        let place = crate::url::redact(url);
        tracing::info!(url = %place, prefix = %self.prefix, "Redis store");
        self.place = Some(place);
        // One plain connection first: its handshake says whether the
        // server refuses the password or the database for good, which the
        // manager's retries would report as a time-out.
        let connecting = async {
            let config = redis::AsyncConnectionConfig::new()
                .set_connection_timeout(self.timeout)
                .set_response_timeout(self.timeout);
            client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            ConnectionManager::new_with_config(client.clone(), manager).await
        };
        let connection = match tokio::time::timeout(self.timeout, connecting).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(err)) => return Err(refused(err)),
            Err(_) => return Err(unavailable(BACKEND, NoAnswer(self.timeout))),
        };
        self.open(connection)
    }

    /// Opens the store on the application's own connection manager.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a prefix with `{` or `}`.
    pub fn open(self, connection: ConnectionManager) -> Result<RedisStore, Error> {
        self.check()?;
        Ok(RedisStore {
            connection,
            place: self
                .place
                .unwrap_or_else(|| "redis (the application's connection)".to_owned())
                .into(),
            prefix: self.prefix.into(),
            timeout: self.timeout,
        })
    }

    fn check(&self) -> Result<(), Error> {
        if self.prefix.contains(['{', '}']) {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "invalid Redis key prefix: it may not hold { or }",
            ));
        }
        Ok(())
    }
}

/// The error of a connection that could not open: [`ErrorKind::InvalidConfig`]
/// with the server's reason when waiting will not help (it refused the
/// password or the database), else [`ErrorKind::Unavailable`]. The `redis`
/// crate's messages name no password.
fn refused(err: redis::RedisError) -> Error {
    use redis::ErrorKind as Kind;
    match err.kind() {
        Kind::AuthenticationFailed | Kind::ResponseError | Kind::InvalidClientConfig => {
            tracing::error!(error = %err, "the Redis store refused the configuration");
            Error::with_message(
                ErrorKind::InvalidConfig,
                format!("the Redis store refused the configuration: {err}"),
            )
            .with_source(err)
        }
        _ => unavailable(BACKEND, err),
    }
}

impl ClaimNumbers for RedisStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        let answer: i64 = self
            .claim_script(
                &SCRIPTS.reserve,
                pool.claim_id,
                &[attempt_id, &millis(pool.hold), &limit(pool.limit)],
            )
            .await?;
        number(answer)
    }

    async fn preview(&self, pool: &ClaimPool<'_>) -> Result<u64, Error> {
        let answer: i64 = self
            .claim_script(&SCRIPTS.preview, pool.claim_id, &[&limit(pool.limit)])
            .await?;
        number(answer)
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let _: i64 = self
            .claim_script(&SCRIPTS.confirm, claim_id, &[attempt_id])
            .await?;
        Ok(())
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let _: i64 = self
            .claim_script(&SCRIPTS.release, claim_id, &[attempt_id])
            .await?;
        Ok(())
    }
}

impl ClaimTokens for RedisStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        let mut invocation = SCRIPTS.issue.key(self.key("token", attempt_id));
        invocation
            .arg(claimkit::store::random_token())
            .arg(millis(retention));
        self.run(invocation).await
    }
}

impl Deliveries for RedisStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        let lease = Lease::random();
        let mut invocation = SCRIPTS.begin.key(self.key("delivery", key));
        invocation.arg(lease.token()).arg(millis(terms.lease));
        let state: String = self.run(invocation).await?;
        match state.as_str() {
            "leased" => Ok(Begun::Leased(lease)),
            "done" => Ok(Begun::Done),
            "in-flight" => Ok(Begun::InFlight),
            other => Err(corrupt(BACKEND, format!("a delivery's state is {other:?}"))),
        }
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        let mut invocation = SCRIPTS.complete.key(self.key("delivery", key));
        invocation.arg(lease.token()).arg(millis(terms.retention));
        let done: i64 = self.run(invocation).await?;
        Ok(done == 1)
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        let mut invocation = SCRIPTS.abandon.key(self.key("delivery", key));
        invocation.arg(lease.token());
        let freed: i64 = self.run(invocation).await?;
        Ok(freed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_break_out_of_their_hash_tag() {
        assert_eq!(tag("claim-1"), "claim-1");
        assert_eq!(tag("a}b{c%"), "a%7Db%7Bc%25");
        assert_ne!(tag("%7D"), tag("}"));
    }
}
