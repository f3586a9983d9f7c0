//! The action queue: work a plugin owes the outside world after it has
//! answered, kept until it is done.

use std::future::Future;
use std::time::Duration;

use super::{ActionTerms, Lease, Next};
use crate::Error;

/// An action a runner took from the queue, under a lease, by
/// [`Actions::take_due`].
///
/// A store hands it out with its payload as the text it keeps
/// (`DueAction<String>`, JSON); the runner reads the payload as the
/// action's own type with [`decode`](DueAction::decode) and hands the
/// action a `DueAction<T>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAction<P = String> {
    /// The action's key: what made enqueuing it idempotent, and the
    /// idempotency key to send with it.
    pub key: String,
    /// What the action needs to run, as it was enqueued: JSON text as a
    /// store keeps it, or the action's own type once decoded.
    pub payload: P,
    /// This try's number: 1 for the first, one more for every try taken
    /// since (a try whose runner crashed counts too).
    pub attempt: u32,
    /// How long ago the action was enqueued (or retried by hand), by the
    /// store's clock, when this try was taken.
    pub age: Duration,
    /// The lease this try holds: renew it while the action runs, and pass
    /// it to record the outcome.
    pub lease: Lease,
}

/// An action that gave up, as [`Actions::dead`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadAction {
    /// The action's key.
    pub key: String,
    /// What the action needs to run, as it was enqueued (JSON text).
    pub payload: String,
    /// How many tries it had.
    pub attempts: u32,
    /// What its last try failed with.
    pub last_error: String,
}

/// A durable queue of actions, each in one of four states: **pending**
/// (due at a time), **running** (under a lease with an expiry and a token),
/// **done** or **dead**.
///
/// ```text
/// enqueue ─► pending ─take_due─► running ─succeed─► done (forgotten after retention)
///              ▲  ▲                │  │
///              │  └─ fail(Retry) ──┘  └─ fail(GiveUp) ─► dead ─retry─► pending
///              └──── lease expired (the runner crashed) ─┘
/// ```
///
/// The rules (backoff, jitter, the give-up horizon, how often a lease is
/// renewed) are [`ActionTerms`]'; a runner asks them what follows a failure
/// and tells the store. An implementation only makes each step atomic.
///
/// The store keeps each payload as text; the core's codec writes and reads
/// it as JSON, from and to the action's own serde type
/// ([`enqueue_action`](super::enqueue_action), [`DueAction::decode`]), so
/// that an implementation never sees a type. Key a status webhook's action
/// by [`KeyScope::status_key`](crate::KeyScope::status_key)
/// (`"{claimAttemptId}:{status}"`, see
/// [`enqueue_status_action`](super::enqueue_status_action)), a signed
/// webhook's by its delivery id.
///
/// # What an implementation guarantees
///
/// - **Atomicity.** Each method is one atomic step across every process
///   sharing the store. Of concurrent [`enqueue`](Self::enqueue)s of one
///   key exactly one answers `true`; of concurrent
///   [`take_due`](Self::take_due)s, each due action goes to exactly one.
/// - **Idempotent enqueue.** A key the store knows, in any state, is not
///   enqueued again: a redelivered webhook adds nothing.
/// - **Fencing.** [`renew`](Self::renew), [`succeed`](Self::succeed) and
///   [`fail`](Self::fail) change an action only while it is running under
///   that very lease's token, and answer whether they did; a runner whose
///   lease expired and was taken over changes nothing (one whose lease
///   expired but was not taken over yet still may).
/// - **One clock.** Due times, leases, ages and retention are measured by
///   the store's clock (the database's or Redis' for shared stores), so
///   that replicas with skewed clocks agree.
/// - **Expiry.** A running action whose lease expired is due again. A done
///   action is forgotten `retention` after it was done, a dead one
///   `dead_retention` after it died: nothing piles up forever.
/// - **Durability.** What a method recorded before it returned `Ok`
///   survives a crash of the process (for
///   [`MemoryStore`](super::MemoryStore): it does not).
///
/// Delivery is therefore **at least once**: a runner that crashes after an
/// action took effect but before [`succeed`](Self::succeed) was recorded
/// runs it again once its lease expires. Send the key as an idempotency key
/// so that the receiver can tell.
pub trait Actions: Send + Sync {
    /// Enqueues `key`, due now, with `payload` (JSON text: enqueue a typed
    /// payload with [`enqueue_action`](super::enqueue_action)). `Ok(false)`
    /// when the store knows `key` already (pending, running, done or dead): nothing is
    /// added.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store is full or cannot be reached.
    fn enqueue(&self, key: &str, payload: &str)
        -> impl Future<Output = Result<bool, Error>> + Send;

    /// Takes at most `limit` due actions (pending and due, or running under
    /// an expired lease), oldest due first, each now running under a fresh
    /// lease of `terms.lease` and counted as one more try.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn take_due(
        &self,
        limit: usize,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<Vec<DueAction>, Error>> + Send;

    /// Extends `lease` on `key` to `terms.lease` from now. `Ok(false)` when
    /// the lease no longer holds it.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn renew(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Records that `key` succeeded: done, remembered for
    /// `terms.retention`. `Ok(false)` when the lease no longer holds it.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn succeed(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Records that `key` failed with `error`: pending again, due after the
    /// delay of [`Next::Retry`], or dead for [`Next::GiveUp`] (listed for
    /// `terms.dead_retention`). `Ok(false)` when the lease no longer holds
    /// it.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send;

    /// At most `limit` dead actions, in key order.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn dead(&self, limit: usize) -> impl Future<Output = Result<Vec<DeadAction>, Error>> + Send;

    /// Makes the dead action `key` pending again, due now, with a fresh
    /// give-up horizon and its tries counted from 1. `Ok(false)` when `key`
    /// is not dead.
    ///
    /// # Errors
    /// As [`enqueue`](Self::enqueue).
    fn retry(&self, key: &str) -> impl Future<Output = Result<bool, Error>> + Send;
}

impl<T: Actions + ?Sized> Actions for std::sync::Arc<T> {
    fn enqueue(
        &self,
        key: &str,
        payload: &str,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).enqueue(key, payload)
    }
    fn take_due(
        &self,
        limit: usize,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<Vec<DueAction>, Error>> + Send {
        (**self).take_due(limit, terms)
    }
    fn renew(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).renew(key, lease, terms)
    }
    fn succeed(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).succeed(key, lease, terms)
    }
    fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).fail(key, lease, next, error, terms)
    }
    fn dead(&self, limit: usize) -> impl Future<Output = Result<Vec<DeadAction>, Error>> + Send {
        (**self).dead(limit)
    }
    fn retry(&self, key: &str) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).retry(key)
    }
}
