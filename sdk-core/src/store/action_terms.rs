//! The rules of the action queue: how long a lease holds, when a failed
//! action runs again, and when it gives up.

use std::time::Duration;

/// How the action queue leases, retries and forgets its actions.
///
/// The defaults suit a post-claim action that calls another service: a
/// 15 s lease (renewed while the action runs, so that a crashed runner's
/// action runs again within about 15 s), a first retry within a second,
/// doubling to at most 10 minutes between tries, and a give-up horizon of
/// 7 days, as long as BitBadges retries its own webhooks.
///
/// ```
/// use std::time::Duration;
/// use claimkit::store::{ActionTerms, Next};
///
/// let terms = ActionTerms::default();
/// // The first retry comes within a second, with jitter.
/// let Next::Retry(delay) = terms.after_failure(1, Duration::ZERO) else { panic!() };
/// assert!(delay <= Duration::from_secs(1));
/// // Past the horizon, the action gives up.
/// assert_eq!(terms.after_failure(40, terms.give_up), Next::GiveUp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionTerms {
    /// How long a runner's lease holds an action. A runner renews it every
    /// third of this while the action runs; a runner that crashed stops
    /// renewing, and the action is due again this long after the last
    /// renewal.
    pub lease: Duration,
    /// The delay before the first retry (before jitter).
    pub first_retry: Duration,
    /// The longest delay between two tries (before jitter).
    pub max_delay: Duration,
    /// How long after it was enqueued an action keeps being retried; a
    /// failure whose next try would come later moves it to the dead state.
    pub give_up: Duration,
    /// How long a done action is remembered, so that enqueuing its key
    /// again adds nothing (longer than any sender retries a webhook).
    pub retention: Duration,
    /// How long a dead action stays listed before it is forgotten.
    pub dead_retention: Duration,
}

impl ActionTerms {
    /// The default lease: 15 seconds.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);
    /// The default first retry: 1 second.
    pub const DEFAULT_FIRST_RETRY: Duration = Duration::from_secs(1);
    /// The default longest delay: 10 minutes.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10 * 60);
    /// The default give-up horizon: 7 days.
    pub const DEFAULT_GIVE_UP: Duration = Duration::from_secs(7 * 24 * 60 * 60);
    /// The default retention of done actions: 8 days.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(8 * 24 * 60 * 60);
    /// The default retention of dead actions: 30 days.
    pub const DEFAULT_DEAD_RETENTION: Duration = Duration::from_secs(30 * 24 * 60 * 60);

    /// How often a runner renews the lease of an action it runs: a third of
    /// the lease, so that two renewals may fail before it lapses.
    pub fn renew_every(&self) -> Duration {
        (self.lease / 3).max(Duration::from_millis(10))
    }

    /// The delay before try `attempt + 1`, before jitter: `first_retry`
    /// doubled for each try after the first, at most `max_delay`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1);
        self.first_retry
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_delay)
    }

    /// What follows the failure of try `attempt` (1 for the first) of an
    /// action enqueued `age` ago: a retry after [`backoff`](Self::backoff)
    /// with random jitter (between half and all of it), or
    /// [`Next::GiveUp`] when that retry would come past
    /// [`give_up`](Self::give_up).
    pub fn after_failure(&self, attempt: u32, age: Duration) -> Next {
        self.after_failure_with(attempt, age, random_unit())
    }

    /// [`after_failure`](Self::after_failure) with the jitter given: `unit`
    /// in `0.0..=1.0` picks a delay between half the backoff (`0.0`) and
    /// all of it (`1.0`).
    pub fn after_failure_with(&self, attempt: u32, age: Duration, unit: f64) -> Next {
        let backoff = self.backoff(attempt);
        let delay = backoff / 2 + backoff.div_f64(2.0).mul_f64(unit.clamp(0.0, 1.0));
        if age.saturating_add(delay) >= self.give_up {
            Next::GiveUp
        } else {
            Next::Retry(delay)
        }
    }

    /// Whether try `attempt` of an action enqueued `age` ago is one too
    /// many: the action was tried before and is more than a
    /// [`lease`](Self::lease) past [`give_up`](Self::give_up). A recorded
    /// failure schedules its retry before the horizon, and a running
    /// runner takes a due action within its poll, far sooner than a lease;
    /// a try taken this late follows tries that ended without an outcome
    /// (their runner crashed, or lost the lease). A runner moves such an
    /// action to the dead state without another try, so that an action
    /// that crashes its process every time stops soon after the horizon. A
    /// first try always runs, however late.
    ///
    /// ```
    /// use std::time::Duration;
    /// use claimkit::store::ActionTerms;
    ///
    /// let terms = ActionTerms::default();
    /// assert!(!terms.is_spent(1, terms.give_up * 2));
    /// assert!(!terms.is_spent(9, terms.give_up + Duration::from_secs(1)));
    /// assert!(terms.is_spent(9, terms.give_up + terms.lease));
    /// ```
    pub fn is_spent(&self, attempt: u32, age: Duration) -> bool {
        attempt > 1 && age >= self.give_up.saturating_add(self.lease)
    }

    /// How many leases a first try may wait after its enqueue before a
    /// runner warns that actions are waiting: 3.
    pub const STALL_LEASES: u32 = 3;

    /// Whether try `attempt` of an action enqueued `age` ago waited too
    /// long for a runner: a first try (due from its enqueue) taken more
    /// than [`STALL_LEASES`](Self::STALL_LEASES) leases after it. No runner
    /// was running, or too few for the work. A retry's wait includes its
    /// backoff, so only a first try tells.
    ///
    /// ```
    /// use claimkit::store::ActionTerms;
    ///
    /// let terms = ActionTerms::default();
    /// assert!(!terms.waited_too_long(1, terms.lease));
    /// assert!(terms.waited_too_long(1, terms.lease * 4));
    /// assert!(!terms.waited_too_long(2, terms.lease * 4));
    /// ```
    pub fn waited_too_long(&self, attempt: u32, age: Duration) -> bool {
        attempt == 1 && age > self.lease.saturating_mul(Self::STALL_LEASES)
    }
}

impl Default for ActionTerms {
    fn default() -> Self {
        Self {
            lease: Self::DEFAULT_LEASE,
            first_retry: Self::DEFAULT_FIRST_RETRY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            give_up: Self::DEFAULT_GIVE_UP,
            retention: Self::DEFAULT_RETENTION,
            dead_retention: Self::DEFAULT_DEAD_RETENTION,
        }
    }
}

/// What becomes of an action whose try failed, from
/// [`ActionTerms::after_failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Due again after this delay, by the store's clock.
    Retry(Duration),
    /// Past the give-up horizon: dead, listed, retried only by hand.
    GiveUp,
}

/// A random number in `0.0..1.0` from the operating system.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 1.0; // no jitter, still a valid delay
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let terms = ActionTerms::default();
        let delays: Vec<u64> = (1..=12).map(|a| terms.backoff(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
        assert_eq!(terms.backoff(0), SECOND);
        assert_eq!(terms.backoff(u32::MAX), terms.max_delay);
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let terms = ActionTerms::default();
        assert_eq!(
            terms.after_failure_with(3, SECOND, 0.0),
            Next::Retry(2 * SECOND)
        );
        assert_eq!(
            terms.after_failure_with(3, SECOND, 1.0),
            Next::Retry(4 * SECOND)
        );
        for attempt in 1..40 {
            let Next::Retry(delay) = terms.after_failure(attempt, SECOND) else {
                panic!("gave up within the horizon");
            };
            let backoff = terms.backoff(attempt);
            assert!(delay >= backoff / 2 && delay <= backoff, "{delay:?}");
        }
    }

    #[test]
    fn gives_up_when_the_next_try_would_pass_the_horizon() {
        let terms = ActionTerms {
            give_up: 10 * SECOND,
            ..ActionTerms::default()
        };
        assert_eq!(
            terms.after_failure_with(1, 8 * SECOND, 1.0),
            Next::Retry(SECOND)
        );
        assert_eq!(terms.after_failure_with(1, 9 * SECOND, 1.0), Next::GiveUp);
        assert_eq!(terms.after_failure_with(1, 60 * SECOND, 0.0), Next::GiveUp);
    }

    #[test]
    fn leases_are_renewed_thrice_per_lease() {
        assert_eq!(ActionTerms::default().renew_every(), 5 * SECOND);
    }
}
