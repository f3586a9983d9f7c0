//! The store's own schema: created and upgraded when a store opens, under
//! an advisory lock, so that replicas starting at once are safe.

use sqlx::{Executor, PgPool};

use super::sql::{
    in_schema, CREATE_SCHEMA, LOCK_SCHEMA, MIGRATIONS, SCHEMA_VERSION, SET_SCHEMA_VERSION,
};

/// Whether `name` is a plain lowercase identifier PostgreSQL keeps as is.
pub(super) fn is_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && !bytes[0].is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// Creates the schema and its version table if missing, and runs the
/// migrations it has not run yet, in one transaction.
pub(super) async fn migrate(
    pool: &PgPool,
    schema: &str,
) -> Result<Result<(), claimkit::Error>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // `IF NOT EXISTS` on what exists is a notice on every start: not news.
    (&mut *tx)
        .execute("SET LOCAL client_min_messages TO warning")
        .await?;
    sqlx::query(LOCK_SCHEMA)
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    let create = in_schema(CREATE_SCHEMA, schema);
    (&mut *tx).execute(create.as_str()).await?;
    let version = in_schema(SCHEMA_VERSION, schema);
    let version: i32 = sqlx::query_scalar(&version).fetch_one(&mut *tx).await?;
    let ran = usize::try_from(version).unwrap_or(usize::MAX);
    if ran > MIGRATIONS.len() {
        tx.rollback().await?;
        return Ok(Err(claimkit::Error::with_message(
            claimkit::ErrorKind::InvalidConfig,
            "the store's schema is newer than this version of claimkit-store",
        )));
    }
    for migration in &MIGRATIONS[ran..] {
        let migration = in_schema(migration, schema);
        (&mut *tx).execute(migration.as_str()).await?;
    }
    if ran < MIGRATIONS.len() {
        let latest = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        let set_version = in_schema(SET_SCHEMA_VERSION, schema);
        sqlx::query(&set_version)
            .bind(latest)
            .execute(&mut *tx)
            .await?;
        tracing::info!(schema, version = latest, "store schema upgraded");
    }
    tx.commit().await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::is_identifier;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(is_identifier("claimkit"));
        assert!(is_identifier("t_1a2b"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("1abc"));
        assert!(!is_identifier("Claimkit"));
        assert!(!is_identifier("a\"; DROP TABLE x; --"));
        assert!(!is_identifier(&"a".repeat(64)));
    }
}
