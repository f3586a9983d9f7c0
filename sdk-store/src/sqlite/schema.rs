//! The backend's own tables, created and upgraded by the crate: a version
//! table of its own (`claimkit_schema`), never the application's
//! migrations table.

use sqlx::{Connection, Executor, SqliteConnection};

use super::queries;

/// The schema version this build writes.
pub(crate) const VERSION: i64 = queries::MIGRATIONS.len() as i64;

/// What went wrong while migrating.
#[derive(Debug)]
pub(crate) enum MigrateError {
    /// The database could not be read or written.
    Database(sqlx::Error),
    /// The file's schema is newer than this build knows.
    Newer(i64),
}

impl From<sqlx::Error> for MigrateError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

/// Brings the schema to [`VERSION`], in one `BEGIN IMMEDIATE`
/// transaction: processes that start at once take turns (the busy timeout
/// waits), and the second finds the work done.
pub(crate) async fn migrate(connection: &mut SqliteConnection) -> Result<(), MigrateError> {
    let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(queries::CREATE_SCHEMA_TABLE)
        .execute(&mut *tx)
        .await?;
    let current: i64 = sqlx::query_scalar(queries::SCHEMA_VERSION)
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or(0);
    if current > VERSION {
        return Err(MigrateError::Newer(current));
    }
    if current == VERSION {
        return Ok(()); // rolled back: nothing was written
    }
    for (from, migration) in queries::MIGRATIONS
        .iter()
        .enumerate()
        .skip(current as usize)
    {
        (&mut *tx).execute(*migration).await?;
        tracing::info!(version = from + 1, "SQLite schema upgraded");
    }
    sqlx::query(queries::SET_SCHEMA_VERSION)
        .bind(VERSION)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
