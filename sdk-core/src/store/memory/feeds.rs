//! Feed positions in memory: one per claim, replaced in place.

use super::store::MemoryStore;
use crate::store::Feeds;
use crate::Error;

impl Feeds for MemoryStore {
    async fn feed_position(&self, claim_id: &str) -> Result<Option<String>, Error> {
        Ok(self.lock().feeds.get(claim_id).cloned())
    }

    async fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<bool, Error> {
        let mut state = self.lock();
        if state.feeds.get(claim_id).map(String::as_str) != from {
            return Ok(false);
        }
        state.feeds.insert(claim_id.to_owned(), to.to_owned());
        Ok(true)
    }
}
