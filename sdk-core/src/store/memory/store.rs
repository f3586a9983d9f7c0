//! The memory store: its state behind one lock, and its capacity.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::schema::State;
use crate::Error;

/// Every store trait ([`ClaimNumbers`](crate::store::ClaimNumbers),
/// [`ClaimTokens`](crate::store::ClaimTokens),
/// [`Deliveries`](crate::store::Deliveries),
/// [`Actions`](crate::store::Actions), [`Feeds`](crate::store::Feeds),
/// [`Purge`](crate::store::Purge)) in
/// this process's memory, by this process's monotonic clock
/// (or a test's, [`MemoryBuilder::clock`](super::MemoryBuilder::clock)).
///
/// For tests and for a plugin that runs as one process and may lose its
/// state: **nothing survives a restart**, and replicas do not share it. A
/// claim number confirmed before a restart is handed out again after it,
/// and queued actions are lost with the process: **not crash-safe**.
/// Use a durable store from `claimkit-store` in production.
///
/// Bounded: at most `capacity` entries (reservations, tokens, deliveries
/// and actions together) are kept besides confirmed numbers; past that, new
/// entries fail with [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) rather than forgetting one
/// that is still needed. Expired entries make room.
///
/// ```
/// use claimkit::store::{ClaimNumbers, ClaimPool, MemoryStore, Numbering};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let pool = ClaimPool { claim_id: "c1", limit: None, hold: Numbering::DEFAULT_HOLD };
/// assert_eq!(store.reserve(&pool, "a").await?, 0);
/// assert_eq!(store.reserve(&pool, "b").await?, 1);
/// store.release("c1", "a").await?;
/// assert_eq!(store.preview(&pool).await?, 0);
/// assert_eq!(store.reserve(&pool, "c").await?, 0);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    pub(super) capacity: usize,
    pub(super) clock: fn() -> Instant,
    pub(super) state: Mutex<State>,
}

impl MemoryStore {
    /// The default number of entries kept.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store keeping at most `capacity` expiring entries: the same as
    /// `MemoryStore::builder().capacity(capacity).build()`.
    pub fn with_capacity(capacity: usize) -> Self {
        Self::builder().capacity(capacity).build()
    }

    /// The same store, reading the time from `clock`: see
    /// [`MemoryBuilder::clock`](super::MemoryBuilder::clock).
    pub fn with_clock(mut self, clock: fn() -> Instant) -> Self {
        self.clock = clock;
        self
    }

    /// The store's time now.
    pub(super) fn now(&self) -> Instant {
        (self.clock)()
    }

    /// How many tokens are remembered now.
    pub fn tokens(&self) -> usize {
        self.lock().tokens.len()
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Every method leaves the maps consistent before it can panic.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Expires what is due at `now`, and checks there is room for one more
    /// entry.
    pub(super) fn make_room(&self, state: &mut State, now: Instant) -> Result<(), Error> {
        state.expire(now);
        if state.deadlines.len() + state.queue.len() >= self.capacity {
            return Err(Error::unavailable(format!(
                "the memory store holds its capacity of {} entries",
                self.capacity
            )));
        }
        Ok(())
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::builder().build()
    }
}
