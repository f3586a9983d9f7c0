//! Feed positions on Redis: one string key per claim, moved by
//! compare-and-set in a script. It never expires: one per watched claim.

use claimkit::store::Feeds;
use claimkit::Error;

use super::scripts::SCRIPTS;
use super::store::RedisStore;

impl Feeds for RedisStore {
    async fn feed_position(&self, claim_id: &str) -> Result<Option<String>, Error> {
        self.script(&SCRIPTS.feed_position, [self.key("feed", claim_id)], &[])
            .await
    }

    async fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, Error> {
        let (expected, from) = match from {
            Some(from) => ("1", from),
            None => ("0", ""),
        };
        let moved: i64 = self
            .script(
                &SCRIPTS.advance_feed,
                [self.key("feed", claim_id)],
                &[expected, from, to],
            )
            .await?;
        Ok(moved == 1)
    }
}
