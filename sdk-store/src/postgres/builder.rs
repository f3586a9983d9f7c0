//! Opening a PostgreSQL store: its options, its pool, its schema.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use claimkit::{Error, ErrorKind};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::schema;
use super::sql::Statements;
use super::sql::BACKEND;
use super::store::{Inner, PostgresStore};
use crate::unavailable::{unavailable, NoAnswer, DEFAULT_TIMEOUT};

/// A boxed `Send` future: sqlx's executor bounds are too general for the
/// compiler to see that a caller's future is `Send` otherwise.
type Boxed<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

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
    create: bool,
}

impl PostgresStore {
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
            create: true,
        }
    }
}

impl PostgresBuilder {
    /// Whether opening creates a missing schema (it does unless told
    /// otherwise). An operator's tool opens an existing store only, so that
    /// a mistyped schema creates nothing.
    pub fn create_if_missing(mut self, create: bool) -> Self {
        self.create = create;
        self
    }

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
        if !self.create {
            let exists = sqlx::query_scalar::<_, Option<String>>("SELECT to_regclass($1)::text")
                .bind(format!("\"{}\".schema_version", self.schema))
                .fetch_one(&pool);
            match tokio::time::timeout(self.timeout, exists).await {
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None)) => {
                    return Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        format!("no PostgreSQL store in schema {}", self.schema),
                    ))
                }
                Ok(Err(err)) => return Err(refused(err)),
                Err(_) => return Err(unavailable(BACKEND, NoAnswer(self.timeout))),
            }
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
                batches: Arc::default(),
                schema: self.schema,
                timeout: self.timeout,
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
