//! Opening a memory store: its options.

use std::sync::Mutex;
use std::time::Instant;

use super::schema::State;
use super::store::MemoryStore;

/// Options of a [`MemoryStore`], as every backend has them: its capacity
/// and its clock. Nothing can fail: [`build`](Self::build) answers the
/// store.
///
/// ```
/// use std::time::Instant;
/// use claimkit::store::{ClaimTokens, MemoryStore};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::builder()
///     .capacity(1)
///     .clock(Instant::now)
///     .build();
/// store.issue("a1", std::time::Duration::from_secs(60)).await?;
/// let full = store.issue("a2", std::time::Duration::from_secs(60)).await;
/// assert_eq!(full.unwrap_err().status(), 503);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct MemoryBuilder {
    capacity: usize,
    clock: fn() -> Instant,
}

impl MemoryBuilder {
    /// Keeps at most `capacity` expiring entries (at least one);
    /// [`MemoryStore::DEFAULT_CAPACITY`] unless set.
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// Reads the time from `clock` instead of [`Instant::now`]: a test
    /// that drives leases, expiries and retries with a clock it controls
    /// never races the machine's. Under Tokio's paused test clock
    /// (`#[tokio::test(start_paused = true)]`), that is
    /// `|| tokio::time::Instant::now().into_std()`.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::LazyLock;
    /// use std::time::{Duration, Instant};
    /// use claimkit::store::{ClaimTokens, MemoryStore};
    ///
    /// static START: LazyLock<Instant> = LazyLock::new(Instant::now);
    /// static SECONDS: AtomicU64 = AtomicU64::new(0);
    /// fn clock() -> Instant {
    ///     *START + Duration::from_secs(SECONDS.load(Ordering::Relaxed))
    /// }
    ///
    /// let store = MemoryStore::builder().clock(clock).build();
    /// # futures_executor::block_on(async {
    /// let token = store.issue("a1", Duration::from_secs(60)).await?;
    /// SECONDS.store(59, Ordering::Relaxed);
    /// assert_eq!(store.issue("a1", Duration::from_secs(60)).await?, token);
    /// SECONDS.store(61, Ordering::Relaxed);
    /// assert_ne!(store.issue("a1", Duration::from_secs(60)).await?, token);
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn clock(mut self, clock: fn() -> Instant) -> Self {
        self.clock = clock;
        self
    }

    /// The store.
    pub fn build(self) -> MemoryStore {
        MemoryStore {
            capacity: self.capacity.max(1),
            clock: self.clock,
            state: Mutex::new(State::default()),
        }
    }
}

impl MemoryStore {
    /// Options: the capacity and the clock.
    pub fn builder() -> MemoryBuilder {
        MemoryBuilder {
            capacity: Self::DEFAULT_CAPACITY,
            clock: Instant::now,
        }
    }
}
