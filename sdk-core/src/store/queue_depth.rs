//! How deep the action queue is: what a runner samples for its gauges.

use std::time::Duration;

/// The action queue's counts at one moment, by the store's clock, as
/// [`Inspect::queue_depth`](super::Inspect::queue_depth) reads them: what
/// `claimkit_tokio::Runner` records as the gauges
/// [`ACTIONS`](crate::metrics::ACTIONS) and
/// [`ACTIONS_OLDEST_DUE`](crate::metrics::ACTIONS_OLDEST_DUE).
///
/// Each action counts once: `due`, `waiting` and `running` are the pending
/// and running ones, `dead` the given-up ones not yet forgotten; done
/// actions are not counted.
///
/// ```
/// use std::time::Duration;
/// use claimkit::store::QueueDepth;
/// let depth = QueueDepth { due: 2, waiting: 1, running: 3, dead: 1, oldest_due: Duration::from_secs(4) };
/// assert_eq!(depth.pending(), 3);
/// assert_eq!(QueueDepth::default().oldest_due, Duration::ZERO);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Actions a runner would take now: pending and due, or running under
    /// an expired lease ([`ActionRecord::is_due`](super::ActionRecord::is_due)).
    pub due: u64,
    /// Pending actions not due yet: waiting out a retry's backoff.
    pub waiting: u64,
    /// Actions a runner holds under a lease that has not expired.
    pub running: u64,
    /// Actions given up past their horizon, listed until retried or
    /// forgotten.
    pub dead: u64,
    /// How long the action due longest has been due (since its due time,
    /// or its lease's expiry); zero when none is due.
    pub oldest_due: Duration,
}

impl QueueDepth {
    /// The actions still owed a try: due and waiting.
    pub fn pending(&self) -> u64 {
        self.due + self.waiting
    }
}
