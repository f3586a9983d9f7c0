//! Expiry as one step: forgetting what a store keeps past its time.

use std::future::Future;

use crate::Error;

/// Forgets, in one bounded step, what a store keeps past its time: expired
/// tokens and delivery records, done and dead actions past their
/// retention.
///
/// What has expired already counts as gone for every other method (a store
/// answers by its clock, not by whether a row is still there): purging
/// only gives the space back. A runner drives it periodically, as
/// tower-sessions' `ExpiredDeletion` is driven:
/// `claimkit_tokio::Runner` purges every
/// [`DEFAULT_PURGE_EVERY`] while it runs.
///
/// # What an implementation guarantees
///
/// - It removes nothing that has not expired by the store's clock.
/// - It removes at most about `limit` entries per kind, so that one call
///   holds no lock for long; it answers how many it removed, so that a
///   caller can call again while that is `limit` or more.
pub trait Purge: Send + Sync {
    /// Forgets up to `limit` expired entries of each kind; answers how
    /// many it forgot.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn purge(&self, limit: usize) -> impl Future<Output = Result<u64, Error>> + Send;
}

/// How often a runner purges a store by default: every minute.
pub const DEFAULT_PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl<T: Purge + ?Sized> Purge for std::sync::Arc<T> {
    fn purge(&self, limit: usize) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).purge(limit)
    }
}
