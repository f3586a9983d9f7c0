//! Feed positions on SQLite: one row per claim in `claimkit_feeds`, moved
//! by compare-and-set.

use claimkit::store::Feeds;
use claimkit::Error;

use super::statement::Statement;
use super::store::SqliteStore;

const FEED_POSITION: &str = include_str!("sql/feed_position.sql");
const START_FEED: &str = include_str!("sql/start_feed.sql");
const ADVANCE_FEED: &str = include_str!("sql/advance_feed.sql");

impl Feeds for SqliteStore {
    async fn feed_position(&self, claim_id: &str) -> Result<Option<String>, Error> {
        self.read(async {
            let mut connection = self.pool().acquire().await?;
            let position: Option<String> = sqlx::query_scalar(FEED_POSITION)
                .bind(claim_id)
                .fetch_optional(&mut *connection)
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
        // Moved by compare-and-set: from no position, or from `from`.
        let advance = match from {
            None => Statement::new(START_FEED).text(claim_id).text(to).now(),
            Some(from) => Statement::new(ADVANCE_FEED)
                .text(claim_id)
                .text(from)
                .text(to)
                .now(),
        };
        self.write(advance).await
    }
}
