//! Opening a Redis store: its options and its connection manager.

use std::sync::Arc;
use std::time::Duration;

use claimkit::{Error, ErrorKind};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::store::{RedisStore, BACKEND};
use crate::unavailable::{unavailable, NoAnswer, DEFAULT_TIMEOUT};

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
            batches: Arc::default(),
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
