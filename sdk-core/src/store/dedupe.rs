//! Deduplication of deliveries that are retried: status webhooks and signed
//! webhooks.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::expiry::Expiry;
use crate::Error;

/// Remembers which deliveries have been seen, so that an action runs once
/// even when the sender retries.
///
/// BitBadges retries status webhooks until it gets a `200` (for up to a
/// week); webhook senders retry too, with the same delivery id. Key the store
/// by [`Context::status_webhook_key`](crate::Context::status_webhook_key) or
/// by the webhook's delivery id.
pub trait Dedupe: Send + Sync {
    /// Marks `key` as seen. `Ok(true)` the first time, `Ok(false)` for a
    /// key already seen and not yet forgotten.
    ///
    /// # Errors
    /// An implementation backed by a shared store fails with
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn first_seen(&self, key: &str) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Forgets `key`, so that its next delivery counts as new: call it when
    /// the action failed and should run again on a retry.
    ///
    /// # Errors
    /// As [`first_seen`](Self::first_seen).
    fn forget(&self, key: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

/// The in-memory [`Dedupe`]: keys are kept for a retention time, and at most
/// `capacity` of them (the oldest make room).
///
/// ```
/// use claimkit::store::{Dedupe, MemoryDedupe};
/// # futures_executor::block_on(async {
/// let seen = MemoryDedupe::default();
/// assert!(seen.first_seen("attempt-1:success").await?);
/// assert!(!seen.first_seen("attempt-1:success").await?);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct MemoryDedupe {
    capacity: usize,
    state: Mutex<DedupeState>,
}

#[derive(Debug)]
struct DedupeState {
    seen: HashMap<String, Instant>,
    expiry: Expiry,
}

impl MemoryDedupe {
    /// Eight days: longer than BitBadges retries a status webhook (7 days).
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(8 * 24 * 60 * 60);
    /// The default number of keys kept.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store keeping each key for `retention`, and at most `capacity` keys.
    pub fn new(retention: Duration, capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(DedupeState {
                seen: HashMap::new(),
                expiry: Expiry::new(retention),
            }),
        }
    }

    /// How many keys are remembered now.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DedupeState> {
        // A panic while holding the lock cannot leave the maps inconsistent
        // in a way that matters here: keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn first_seen_at(&self, key: &str, now: Instant) -> bool {
        let mut state = self.lock();
        let DedupeState { seen, expiry } = &mut *state;
        while let Some((deadline, old)) = expiry.pop_expired(now) {
            if seen.get(&old) == Some(&deadline) {
                seen.remove(&old);
            }
        }
        if seen.contains_key(key) {
            return false;
        }
        while seen.len() >= self.capacity {
            match expiry.pop_oldest() {
                Some((deadline, old)) if seen.get(&old) == Some(&deadline) => {
                    seen.remove(&old);
                }
                Some(_) => {}
                None => break,
            }
        }
        let deadline = expiry.push(key.to_owned(), now);
        seen.insert(key.to_owned(), deadline);
        true
    }
}

impl Default for MemoryDedupe {
    fn default() -> Self {
        Self::new(Self::DEFAULT_RETENTION, Self::DEFAULT_CAPACITY)
    }
}

impl Dedupe for MemoryDedupe {
    async fn first_seen(&self, key: &str) -> Result<bool, Error> {
        Ok(self.first_seen_at(key, Instant::now()))
    }

    async fn forget(&self, key: &str) -> Result<(), Error> {
        self.lock().seen.remove(key);
        Ok(())
    }
}

impl<T: Dedupe + ?Sized> Dedupe for std::sync::Arc<T> {
    fn first_seen(&self, key: &str) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).first_seen(key)
    }
    fn forget(&self, key: &str) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).forget(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;

    #[test]
    fn keys_are_new_once_until_they_expire() {
        let store = MemoryDedupe::new(Duration::from_secs(10), 100);
        let t0 = Instant::now();
        assert!(store.first_seen_at("a", t0));
        assert!(!store.first_seen_at("a", t0 + Duration::from_secs(9)));
        assert!(store.first_seen_at("b", t0 + Duration::from_secs(9)));
        // "a" expires at t0+10; "b" lives until t0+19.
        assert!(store.first_seen_at("a", t0 + Duration::from_secs(10)));
        assert!(!store.first_seen_at("b", t0 + Duration::from_secs(18)));
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn capacity_evicts_the_oldest() {
        let store = MemoryDedupe::new(Duration::from_secs(60), 2);
        let now = Instant::now();
        assert!(store.first_seen_at("a", now));
        assert!(store.first_seen_at("b", now));
        assert!(store.first_seen_at("c", now));
        assert_eq!(store.len(), 2);
        assert!(!store.first_seen_at("c", now));
        assert!(!store.first_seen_at("b", now));
        assert!(store.first_seen_at("a", now), "the oldest was evicted");
    }

    #[test]
    fn forgotten_keys_are_new_again() {
        let store = MemoryDedupe::default();
        block_on(async {
            assert!(store.first_seen("k").await.unwrap());
            store.forget("k").await.unwrap();
            assert!(store.first_seen("k").await.unwrap());
            assert!(!store.first_seen("k").await.unwrap());
        });
        // A stale expiry entry for a forgotten-then-renewed key does not
        // remove the renewed one early.
        let store = MemoryDedupe::new(Duration::from_secs(10), 10);
        let t0 = Instant::now();
        assert!(store.first_seen_at("k", t0));
        block_on(store.forget("k")).unwrap();
        assert!(store.first_seen_at("k", t0 + Duration::from_secs(5)));
        assert!(!store.first_seen_at("k", t0 + Duration::from_secs(11)));
    }

    #[test]
    fn concurrent_first_seen_lets_exactly_one_through() {
        let store = std::sync::Arc::new(MemoryDedupe::default());
        let winners: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let store = store.clone();
                    scope.spawn(move || {
                        (0..100)
                            .filter(|i| store.first_seen_at(&i.to_string(), Instant::now()))
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(winners, 100);
    }
}
