//! Expiry in memory: every method forgets what is due as it runs; a purge
//! does the same when nothing else runs.

use super::store::MemoryStore;
use crate::store::Purge;
use crate::Error;

impl Purge for MemoryStore {
    async fn purge(&self, _limit: usize) -> Result<u64, Error> {
        Ok(self.lock().expire(self.now()))
    }
}
