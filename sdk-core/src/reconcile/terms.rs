//! When an attempt is checked with the platform, and how often again.

use std::time::Duration;

/// When a [`Reconciler`](super::Reconciler) checks an attempt, how it backs
/// off, when it lists a claim instead, and when it gives up.
///
/// The defaults follow the platform's advice ("wait a couple seconds for
/// processing, and then … check status", PROTOCOL §1.8): a first check
/// 5 s after the answer; while the record does not know the attempt, the
/// next check waits as long as the attempt has waited (10 s, 20 s, 40 s…),
/// at most 15 minutes; after a refusal of the account (`429`, `402`, the
/// budget) it waits what the platform asked, at most 2 minutes, so that
/// checks resume within about two minutes of the API answering again. A
/// claim with at least 2 attempts waiting is listed, a page answering many
/// attempts, at most once every 5 s. An attempt the record never knows is
/// given up after 7 days, as the platform gives up its status webhooks.
///
/// ```
/// use std::time::Duration;
/// use claimkit::reconcile::ReconcileTerms;
///
/// let terms = ReconcileTerms::default();
/// assert_eq!(terms.next_check(Duration::from_secs(1)), Duration::from_secs(4));
/// assert_eq!(terms.next_check(Duration::from_secs(5)), Duration::from_secs(5));
/// assert_eq!(terms.next_check(Duration::from_secs(40)), Duration::from_secs(40));
/// assert_eq!(terms.next_check(Duration::from_secs(86_400)), terms.max_interval);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileTerms {
    /// How long after the answer the first check comes.
    pub first_check: Duration,
    /// The longest wait between two checks of an attempt the record does
    /// not know yet.
    pub max_interval: Duration,
    /// The longest wait after the account was refused (`429`, `402`,
    /// `401`, the budget): how long checks may stay paused after the API
    /// answers again.
    pub max_refusal_wait: Duration,
    /// A claim with at least this many attempts waiting is listed (one
    /// request a page) instead of asked about attempt by attempt.
    pub list_from: usize,
    /// The shortest time between two listings of one claim.
    pub list_every: Duration,
    /// The most pages one listing reads.
    pub max_pages: usize,
    /// How long after the answer an attempt the record never knew is given
    /// up (dead, listed with the queue's dead actions).
    pub give_up: Duration,
}

impl ReconcileTerms {
    /// The default first check: 5 seconds after the answer.
    pub const DEFAULT_FIRST_CHECK: Duration = Duration::from_secs(5);
    /// The default longest wait between checks: 15 minutes.
    pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(15 * 60);
    /// The default longest wait after a refusal: 2 minutes.
    pub const DEFAULT_MAX_REFUSAL_WAIT: Duration = Duration::from_secs(120);
    /// The default number of waiting attempts from which a claim is
    /// listed: 2.
    pub const DEFAULT_LIST_FROM: usize = 2;
    /// The default shortest time between two listings of a claim: 5 s.
    pub const DEFAULT_LIST_EVERY: Duration = Duration::from_secs(5);
    /// The default most pages a listing reads: 100.
    pub const DEFAULT_MAX_PAGES: usize = 100;
    /// The default give-up horizon: 7 days.
    pub const DEFAULT_GIVE_UP: Duration = Duration::from_secs(7 * 24 * 60 * 60);

    /// How long to wait before the next check of an attempt answered `age`
    /// ago that the record does not know yet: until
    /// [`first_check`](Self::first_check) for an attempt younger than
    /// that, else as long as it has waited, at most
    /// [`max_interval`](Self::max_interval).
    pub fn next_check(&self, age: Duration) -> Duration {
        if age < self.first_check {
            return self.first_check - age;
        }
        age.min(self.max_interval).max(Duration::from_millis(1))
    }

    /// How long to wait after a refusal of the account that asked for
    /// `retry_after`: that, or the first check's wait when it named none,
    /// at most [`max_refusal_wait`](Self::max_refusal_wait).
    pub fn after_refusal(&self, retry_after: Option<Duration>) -> Duration {
        retry_after
            .unwrap_or(self.first_check)
            .min(self.max_refusal_wait)
            .max(Duration::from_millis(1))
    }

    /// Whether an attempt answered `age` ago is past the give-up horizon.
    pub fn is_spent(&self, age: Duration) -> bool {
        age >= self.give_up
    }
}

impl Default for ReconcileTerms {
    fn default() -> Self {
        Self {
            first_check: Self::DEFAULT_FIRST_CHECK,
            max_interval: Self::DEFAULT_MAX_INTERVAL,
            max_refusal_wait: Self::DEFAULT_MAX_REFUSAL_WAIT,
            list_from: Self::DEFAULT_LIST_FROM,
            list_every: Self::DEFAULT_LIST_EVERY,
            max_pages: Self::DEFAULT_MAX_PAGES,
            give_up: Self::DEFAULT_GIVE_UP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_back_off_as_the_attempt_ages() {
        let terms = ReconcileTerms::default();
        let mut age = Duration::ZERO;
        let mut waits = Vec::new();
        for _ in 0..10 {
            let wait = terms.next_check(age);
            waits.push(wait.as_secs());
            age += wait;
        }
        assert_eq!(waits, [5, 5, 10, 20, 40, 80, 160, 320, 640, 900]);
    }

    #[test]
    fn a_refusal_waits_at_most_two_minutes() {
        let terms = ReconcileTerms::default();
        assert_eq!(terms.after_refusal(None), Duration::from_secs(5));
        assert_eq!(
            terms.after_refusal(Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
        assert_eq!(
            terms.after_refusal(Some(Duration::from_secs(3600))),
            Duration::from_secs(120)
        );
    }
}
