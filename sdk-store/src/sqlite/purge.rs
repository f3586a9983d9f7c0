//! Expiry on SQLite: expired tokens, deliveries and done or dead actions
//! are deleted in one write of the group commit, at the database's time.

use claimkit::store::Purge;
use claimkit::Error;
use sqlx::SqliteConnection;

use super::store::SqliteStore;
use super::writer::{Batch, Write};

const PURGE_TOKENS: &str = include_str!("sql/purge_tokens.sql");
const PURGE_DELIVERIES: &str = include_str!("sql/purge_deliveries.sql");
const PURGE_ACTIONS: &str = include_str!("sql/purge_actions.sql");

/// Deletes up to `limit` expired rows of each table.
struct PurgeExpired {
    limit: i64,
}

impl Write for PurgeExpired {
    type Output = u64;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<u64, Error>, sqlx::Error> {
        let mut deleted = 0;
        for statement in [PURGE_TOKENS, PURGE_DELIVERIES, PURGE_ACTIONS] {
            deleted += sqlx::query(statement)
                .bind(batch.now)
                .bind(self.limit)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        Ok(Ok(deleted))
    }
}

impl Purge for SqliteStore {
    async fn purge(&self, limit: usize) -> Result<u64, Error> {
        self.write(PurgeExpired {
            limit: i64::try_from(limit).unwrap_or(i64::MAX),
        })
        .await
    }
}
