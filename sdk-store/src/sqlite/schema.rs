//! The backend's own tables, created and upgraded by the crate: a version
//! table of its own (`claimkit_schema`), never the application's
//! migrations table.

use sqlx::{Connection, Executor, SqliteConnection};

/// The migrations, in order: entry `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/migration_1.sql"),
    include_str!("sql/migration_2.sql"),
    include_str!("sql/migration_3.sql"),
];
const CREATE_SCHEMA_TABLE: &str = include_str!("sql/create_schema_table.sql");
const SCHEMA_VERSION: &str = include_str!("sql/schema_version.sql");
const SET_SCHEMA_VERSION: &str = include_str!("sql/set_schema_version.sql");

/// The schema version this build writes.
pub(super) const VERSION: i64 = MIGRATIONS.len() as i64;

/// What went wrong while migrating.
#[derive(Debug)]
pub(super) enum MigrateError {
    /// The database could not be read or written.
    Database(sqlx::Error),
    /// The file's schema is newer than this build knows.
    Newer(i64),
    /// The file records a version no build writes (a negative one).
    Corrupt(i64),
}

impl From<sqlx::Error> for MigrateError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

/// Brings the schema to [`VERSION`], in one `BEGIN IMMEDIATE`
/// transaction: processes that start at once take turns (the busy timeout
/// waits), and the second finds the work done.
pub(super) async fn migrate(connection: &mut SqliteConnection) -> Result<(), MigrateError> {
    let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(CREATE_SCHEMA_TABLE).execute(&mut *tx).await?;
    let current: i64 = sqlx::query_scalar(SCHEMA_VERSION)
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or(0);
    if current > VERSION {
        return Err(MigrateError::Newer(current));
    }
    if current == VERSION {
        return Ok(()); // rolled back: nothing was written
    }
    let from = usize::try_from(current).map_err(|_| MigrateError::Corrupt(current))?;
    for (ran, migration) in MIGRATIONS.iter().enumerate().skip(from) {
        (&mut *tx).execute(*migration).await?;
        tracing::info!(version = ran + 1, "SQLite schema upgraded");
    }
    sqlx::query(SET_SCHEMA_VERSION)
        .bind(VERSION)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
