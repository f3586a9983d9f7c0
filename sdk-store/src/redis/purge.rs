//! Expiry on Redis: tokens, leases and done deliveries are keys Redis
//! expires itself; done and dead actions are fields of the queue's hashes,
//! which Redis cannot expire one by one, and are forgotten here.

use claimkit::store::Purge;
use claimkit::Error;

use super::scripts::SCRIPTS;
use super::store::RedisStore;

impl Purge for RedisStore {
    async fn purge(&self, limit: usize) -> Result<u64, Error> {
        let limit = limit.clamp(1, 10_000).to_string();
        let forgotten: i64 = self
            .script(&SCRIPTS.purge, self.queue_keys(), &[&limit])
            .await?;
        Ok(u64::try_from(forgotten).unwrap_or(0))
    }
}
