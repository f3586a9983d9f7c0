//! Health: whether the process lives, and whether it can serve a call now.
//!
//! A load balancer or Kubernetes asks two questions. **Liveness** ("is the
//! process stuck?") touches nothing: a store that is down must not get the
//! process restarted. **Readiness** ("may I send it calls?") asks what a
//! call needs, the store, within a bound, and says no while the server
//! drains at shutdown.
//!
//! The adapters answer both with routes of the same names
//! (`claimkit_axum::liveness` and `readiness`, `claimkit_actix::liveness` and
//! `readiness`); `claimkit_tokio::ready` runs the check on Tokio's timer.
//! This module holds what they share: the [`Ping`] a store answers, the
//! [`Readiness`] an application configures, and the answers.
//!
//! | route | answers |
//! |---|---|
//! | liveness | `200 {"status":"live"}`, always |
//! | readiness | `200 {"status":"ready"}`; `503 {"message"}` when draining, or the store fails or does not answer within [`Readiness::timeout`] |

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::store::MemoryStore;
use crate::{Error, ErrorKind};

/// The body of a liveness answer (`200`).
pub const LIVE_BODY: &[u8] = br#"{"status":"live"}"#;

/// The body of a ready answer (`200`).
pub const READY_BODY: &[u8] = br#"{"status":"ready"}"#;

/// How long a readiness check waits for the store by default: 1 s, less
/// than the usual probe timeouts (Kubernetes' default is 1 s, load
/// balancers' 2–5 s), so that the probe reads a `503` rather than nothing.
pub const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(1);

/// A store (or anything else a call needs) that can say whether it answers:
/// the smallest round trip it has (`SELECT 1`, `PING`).
///
/// `claimkit-store` implements it for its `Store` and every backend;
/// [`MemoryStore`] always answers. Implement it for your own dependency, or
/// for a tuple-like struct of several.
///
/// ```
/// use claimkit::health::Ping;
/// use claimkit::Error;
///
/// struct Upstream;
///
/// impl Ping for Upstream {
///     async fn ping(&self) -> Result<(), Error> {
///         Ok(()) // e.g. a HEAD request to the upstream API
///     }
/// }
/// ```
pub trait Ping: Send + Sync {
    /// Succeeds when the store answers; its error otherwise
    /// ([`ErrorKind::Unavailable`] for a store that is down).
    ///
    /// # Errors
    /// Whatever kept the store from answering.
    fn ping(&self) -> impl Future<Output = Result<(), Error>> + Send;
}

impl Ping for MemoryStore {
    async fn ping(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl<P: Ping + ?Sized> Ping for Arc<P> {
    fn ping(&self) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).ping()
    }
}

impl<P: Ping + ?Sized> Ping for &P {
    fn ping(&self) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).ping()
    }
}

/// What a readiness route checks: a store to [`Ping`] within a bound, and
/// whether the server is draining. Clones share the draining flag, so the
/// application keeps one to call [`drain`](Self::drain) at shutdown.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use claimkit::health::Readiness;
/// use claimkit::store::MemoryStore;
///
/// let readiness = Readiness::new(Arc::new(MemoryStore::default()))
///     .with_timeout(Duration::from_millis(500));
/// let route_copy = readiness.clone();
/// assert!(!route_copy.is_draining());
/// readiness.drain(); // on SIGTERM, before the server stops
/// assert!(route_copy.is_draining());
/// assert_eq!(Readiness::<()>::draining_error().status(), 503);
/// ```
#[derive(Clone)]
pub struct Readiness<P> {
    store: P,
    timeout: Duration,
    draining: Arc<AtomicBool>,
}

impl<P> Readiness<P> {
    /// Checks `store` within [`DEFAULT_READY_TIMEOUT`].
    pub fn new(store: P) -> Self {
        Self {
            store,
            timeout: DEFAULT_READY_TIMEOUT,
            draining: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits for the store up to `timeout` instead.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The store checked.
    pub fn store(&self) -> &P {
        &self.store
    }

    /// How long a check waits for the store.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Marks the server as draining: from now on every clone answers `503`.
    /// Call it when shutdown begins, so that the load balancer stops sending
    /// calls while those in flight finish.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// Whether [`drain`](Self::drain) was called.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// The answer while draining: `503 {"message": "the server is shutting
    /// down"}`.
    pub fn draining_error() -> Error {
        Error::with_message(ErrorKind::Unavailable, "the server is shutting down")
    }

    /// The answer when the store has not answered within
    /// [`timeout`](Self::timeout).
    pub fn timeout_error(&self) -> Error {
        Error::with_message(
            ErrorKind::Unavailable,
            format!(
                "the plugin's store did not answer within {} ms",
                self.timeout.as_millis()
            ),
        )
    }

    /// A failed ping as a readiness answer: always `503`, whatever the
    /// error's own kind, and logged.
    pub fn store_error(err: Error) -> Error {
        tracing::warn!(kind = ?err.kind(), message = err.message(), "not ready");
        if err.kind() == ErrorKind::Unavailable {
            err
        } else {
            Error::unavailable(err)
        }
    }
}

impl<P> fmt::Debug for Readiness<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readiness")
            .field("timeout", &self.timeout)
            .field("draining", &self.is_draining())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_of_any_kind_is_not_ready() {
        let err = Readiness::<()>::store_error(Error::new(ErrorKind::InvalidConfig));
        assert_eq!(err.status(), 503);
        assert!(std::error::Error::source(&err).is_some());
        let readiness = Readiness::new(()).with_timeout(Duration::from_millis(250));
        assert_eq!(
            readiness.timeout_error().message(),
            "the plugin's store did not answer within 250 ms"
        );
    }

    #[test]
    fn the_memory_store_always_answers() {
        let store = Arc::new(MemoryStore::default());
        assert!(futures_executor::block_on(store.ping()).is_ok());
    }
}
