//! Expiry on PostgreSQL: expired tokens, deliveries and done or dead
//! actions are deleted in batches, by the database's `now()`.

use claimkit::store::Purge;
use claimkit::Error;

use super::store::PostgresStore;

impl Purge for PostgresStore {
    async fn purge(&self, limit: usize) -> Result<u64, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = self.sql();
        let mut deleted = 0;
        for statement in [&sql.purge_tokens, &sql.purge_deliveries, &sql.purge_actions] {
            deleted += self
                .run(async {
                    let done = sqlx::query(statement)
                        .bind(limit)
                        .execute(&self.pool)
                        .await?;
                    Ok(Ok(done.rows_affected()))
                })
                .await?;
        }
        tracing::debug!(deleted, "expired entries deleted");
        Ok(deleted)
    }
}
