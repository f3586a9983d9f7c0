//! Feed positions on SQLite: one row per claim in `claimkit_feeds`, moved
//! by compare-and-set.

use claimkit::store::Feeds;
use claimkit::Error;
use sqlx::SqliteConnection;

use super::store::SqliteStore;
use super::writer::{Batch, Write};

const FEED_POSITION: &str = include_str!("sql/feed_position.sql");
const START_FEED: &str = include_str!("sql/start_feed.sql");
const ADVANCE_FEED: &str = include_str!("sql/advance_feed.sql");

/// Moves a claim's position from `from` (`None`: none recorded) to `to`.
struct Advance {
    claim_id: String,
    from: Option<String>,
    to: String,
}

impl Write for Advance {
    type Output = bool;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<bool, Error>, sqlx::Error> {
        let moved: Option<String> = match &self.from {
            None => {
                sqlx::query_scalar(START_FEED)
                    .bind(&self.claim_id)
                    .bind(&self.to)
                    .bind(batch.now)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Some(from) => {
                sqlx::query_scalar(ADVANCE_FEED)
                    .bind(&self.claim_id)
                    .bind(from)
                    .bind(&self.to)
                    .bind(batch.now)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        Ok(Ok(moved.is_some()))
    }
}

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
        self.write(Advance {
            claim_id: claim_id.to_owned(),
            from: from.map(str::to_owned),
            to: to.to_owned(),
        })
        .await
    }
}
