//! Feed positions on PostgreSQL: one row per claim in `feeds`, moved by
//! compare-and-set.

use claimkit::store::Feeds;
use claimkit::Error;

use super::store::PostgresStore;

impl Feeds for PostgresStore {
    async fn feed_position(&self, claim_id: &str) -> Result<Option<String>, Error> {
        self.run(async {
            let position: Option<String> = sqlx::query_scalar(&self.sql().feed_position)
                .bind(claim_id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(position))
        })
        .await
    }

    async fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, Error> {
        self.run(async {
            let moved: Option<String> = match from {
                None => {
                    sqlx::query_scalar(&self.sql().start_feed)
                        .bind(claim_id)
                        .bind(to)
                        .fetch_optional(&self.pool)
                        .await?
                }
                Some(from) => {
                    sqlx::query_scalar(&self.sql().advance_feed)
                        .bind(claim_id)
                        .bind(from)
                        .bind(to)
                        .fetch_optional(&self.pool)
                        .await?
                }
            };
            Ok(Ok(moved.is_some()))
        })
        .await
    }
}
