//! What the suite needs of a backend: how to open a fresh store, reopen it,
//! and wait.

use std::future::Future;
use std::time::Duration;

use crate::store::{ClaimNumbers, ClaimTokens, Deliveries};

/// What the suite needs of a backend.
pub trait Backend: Sync {
    /// The store under test.
    type Store: ClaimNumbers + ClaimTokens + Deliveries + Send + Sync;

    /// A new store, isolated from every other one this backend opened (its
    /// own file, schema or key prefix), so that checks run in parallel.
    fn open(&self) -> impl Future<Output = Self::Store> + Send;

    /// `store`, dropped and opened again as after a restart; `None` for a
    /// store that keeps nothing across one (the durability check is then
    /// skipped).
    fn reopen(&self, store: Self::Store) -> impl Future<Output = Option<Self::Store>> + Send;

    /// Waits for `duration` (with the runtime's timer).
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}
