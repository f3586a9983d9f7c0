//! Deliveries that senders retry (status webhooks, signed webhooks): new,
//! in flight under a lease, or done.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::Error;

/// How long a delivery is held and remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryTerms {
    /// How long a lease holds a delivery in flight. A holder that crashes
    /// runs no clean-up: its lease frees itself this long after it began.
    pub lease: Duration,
    /// How long a done delivery is remembered, so that its redeliveries are
    /// acknowledged without running again.
    pub retention: Duration,
}

impl DeliveryTerms {
    /// The default lease: one minute, longer than a handler may run before
    /// the adapters' deadline answers for it.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
    /// The default retention: eight days, longer than BitBadges retries a
    /// status webhook (7 days) and any webhook sender we know of.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(8 * 24 * 60 * 60);
}

impl Default for DeliveryTerms {
    fn default() -> Self {
        Self {
            lease: Self::DEFAULT_LEASE,
            retention: Self::DEFAULT_RETENTION,
        }
    }
}

/// The token of a lease on a delivery: whoever holds it may complete or
/// abandon the delivery; a holder whose lease was taken over may not.
#[derive(Clone, PartialEq, Eq)]
pub struct Lease {
    token: String,
}

impl Lease {
    /// A lease with this token (for store implementations).
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
        }
    }

    /// A lease with a fresh random token.
    pub fn random() -> Self {
        Self::new(super::random_token())
    }

    /// The token, as a store records it.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Lease").field(&self.token).finish()
    }
}

/// What [`Deliveries::begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begun {
    /// The delivery is new (or its last holder's lease expired, or it was
    /// abandoned): run it under this lease, then
    /// [`complete`](Deliveries::complete) or
    /// [`abandon`](Deliveries::abandon) it.
    Leased(Lease),
    /// Another holder's unexpired lease holds it: do not run it, and do not
    /// tell the sender it is done (answer so that it retries).
    InFlight,
    /// It was completed before: acknowledge it without running it again.
    Done,
}

/// Deliveries a sender retries, each in one of three states: new, in
/// flight (under a lease with an expiry and a token), or done.
///
/// Key a signed webhook by its delivery id (the signature gate does), a
/// status webhook by
/// [`KeyScope::status_key`](crate::KeyScope::status_key) (per instance for a
/// plugin registered with `duplicatesAllowed`). A status webhook's
/// post-claim action is best queued instead
/// ([`enqueue_status_action`](super::enqueue_status_action)): the queue
/// retries it after the answer, where a delivery runs it before.
///
/// # What an implementation guarantees
///
/// - [`begin`](Self::begin) is atomic: of any number of concurrent calls
///   for a new key, exactly one gets [`Begun::Leased`].
/// - A lease expires by the store's clock `lease` after it began; then the
///   next `begin` leases the delivery anew, with a new token.
/// - [`complete`](Self::complete) and [`abandon`](Self::abandon) are
///   fenced by the token: they change the delivery only while it is in
///   flight under that very token, so a stale holder cannot free or
///   complete a newer holder's lease. Both answer whether they did.
/// - A done delivery is remembered for `retention`, then forgotten.
pub trait Deliveries: Send + Sync {
    /// Begins handling `key`: leases it when it is new, or says why not.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store is full or cannot be reached.
    fn begin(
        &self,
        key: &str,
        terms: &DeliveryTerms,
    ) -> impl Future<Output = Result<Begun, Error>> + Send;

    /// Marks `key` done, if `lease` still holds it; remembered for
    /// `terms.retention`. `Ok(false)` when the lease no longer holds it.
    ///
    /// # Errors
    /// As [`begin`](Self::begin).
    fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Frees `key` so that its next delivery runs, if `lease` still holds
    /// it (the handler failed, was dropped or panicked). `Ok(false)` when
    /// the lease no longer holds it.
    ///
    /// # Errors
    /// As [`begin`](Self::begin).
    fn abandon(&self, key: &str, lease: &Lease)
        -> impl Future<Output = Result<bool, Error>> + Send;
}

impl<T: Deliveries + ?Sized> Deliveries for std::sync::Arc<T> {
    fn begin(
        &self,
        key: &str,
        terms: &DeliveryTerms,
    ) -> impl Future<Output = Result<Begun, Error>> + Send {
        (**self).begin(key, terms)
    }
    fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).complete(key, lease, terms)
    }
    fn abandon(
        &self,
        key: &str,
        lease: &Lease,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).abandon(key, lease)
    }
}
