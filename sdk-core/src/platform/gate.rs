//! The rules of calling a metered API: a budget, and no call while the
//! platform has asked for a wait.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Unanswered, UnansweredKind};

/// How a [`CallGate`] spends the account's credits.
///
/// Every request to the BitBadges API costs one credit; beyond 10,000 a
/// minute the API answers `429`, and `402` once the credits are spent
/// (PROTOCOL §1.8). The defaults: 120 calls a minute at most, and after a
/// `429` or a `402` without `Retry-After` a wait of 5 s doubling to at most
/// 2 minutes, so that calls resume within about two minutes of the API
/// answering again, with nobody restarting anything.
///
/// ```
/// use std::time::Duration;
/// use claimkit::platform::CallTerms;
///
/// let terms = CallTerms { budget: 600, ..CallTerms::default() };
/// assert_eq!(terms.backoff(0), Duration::from_secs(5));
/// assert_eq!(terms.backoff(1), Duration::from_secs(10));
/// assert_eq!(terms.backoff(30), CallTerms::DEFAULT_MAX_BACKOFF);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallTerms {
    /// How many calls may be made per [`window`](Self::window), spread
    /// evenly: the budget refills continuously, and at most this many
    /// calls go out in a burst. `0` forbids every call.
    pub budget: u32,
    /// The window of the budget.
    pub window: Duration,
    /// The wait after the first `429` or `402` that named none.
    pub first_backoff: Duration,
    /// The longest wait after a `429` or `402` that named none: how long
    /// calls may stay paused after the API answers again.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured as given; a longer one is cut to
    /// this, so that a wrong header cannot stop the calls for days.
    pub max_retry_after: Duration,
}

impl CallTerms {
    /// The default budget: 120 calls per window.
    pub const DEFAULT_BUDGET: u32 = 120;
    /// The default window: 1 minute.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
    /// The default first wait: 5 seconds.
    pub const DEFAULT_FIRST_BACKOFF: Duration = Duration::from_secs(5);
    /// The default longest wait: 2 minutes.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(120);
    /// The default longest `Retry-After` honoured: 1 hour.
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

    /// The wait after `failures` earlier refusals in a row that named no
    /// wait: [`first_backoff`](Self::first_backoff) doubled each time, at
    /// most [`max_backoff`](Self::max_backoff).
    pub fn backoff(&self, failures: u32) -> Duration {
        self.first_backoff
            .checked_mul(1u32.checked_shl(failures).unwrap_or(u32::MAX))
            .map_or(self.max_backoff, |wait| wait.min(self.max_backoff))
    }
}

impl Default for CallTerms {
    fn default() -> Self {
        Self {
            budget: Self::DEFAULT_BUDGET,
            window: Self::DEFAULT_WINDOW,
            first_backoff: Self::DEFAULT_FIRST_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            max_retry_after: Self::DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

/// A change of the account's state that a [`CallGate`] saw, logged once per
/// episode rather than once per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Episode {
    /// The platform started refusing the account's calls (`429`, `402` or
    /// `401`): calls are paused.
    Began(UnansweredKind),
    /// The platform refused again with another reason: still paused.
    Changed(UnansweredKind),
    /// The platform answers again after refusing for this reason: calls
    /// resume.
    Ended(UnansweredKind),
}

/// Decides, for one account, whether a call to the platform may be made
/// now: within the [`CallTerms::budget`], and never while the platform has
/// asked for a wait.
///
/// Share one gate among every caller of one account (its clones of an
/// `Arc`, or [`Gated`](super::Gated), which puts it in front of a
/// [`PlatformRecord`](super::PlatformRecord)). The caller passes the time,
/// so the rules are tested with a clock of the test's own.
///
/// - [`admit`](Self::admit) before a call: `Ok` spends one call of the
///   budget; an [`Unanswered`] says why not and how long to wait
///   ([`OverBudget`](UnansweredKind::OverBudget), or the pause the
///   platform asked for).
/// - [`record`](Self::record) after it: a `429`, `402` or `401` pauses
///   every call until its `Retry-After` has passed, or a backoff has run
///   out ([`CallTerms::backoff`]); any other answer ends the episode. The
///   first refusal of an episode and its end are logged (`WARN`, `INFO`),
///   not every call in between.
///
/// ```
/// use std::time::{Duration, Instant};
/// use claimkit::platform::{CallGate, CallTerms, Episode, Unanswered, UnansweredKind};
///
/// let gate = CallGate::new(CallTerms::default());
/// let now = Instant::now();
/// gate.admit(now)?;
/// // The call was answered 402, without Retry-After.
/// let spent = Unanswered::new(UnansweredKind::OutOfCredits);
/// assert_eq!(gate.record(now, Some(&spent)), Some(Episode::Began(UnansweredKind::OutOfCredits)));
/// // No call for the first backoff.
/// let wait = gate.admit(now + Duration::from_secs(1)).unwrap_err();
/// assert_eq!(wait.kind(), UnansweredKind::OutOfCredits);
/// assert_eq!(wait.retry_after(), Some(Duration::from_secs(4)));
/// // Then one call; it is answered, and the episode ends.
/// gate.admit(now + Duration::from_secs(5))?;
/// assert_eq!(
///     gate.record(now + Duration::from_secs(5), None),
///     Some(Episode::Ended(UnansweredKind::OutOfCredits))
/// );
/// # Ok::<(), Unanswered>(())
/// ```
#[derive(Debug)]
pub struct CallGate {
    terms: CallTerms,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Calls left in the budget (fractional: it refills continuously).
    tokens: f64,
    /// When `tokens` was last brought up to date.
    refilled_at: Option<Instant>,
    /// No call before this, and why.
    paused: Option<(Instant, UnansweredKind)>,
    /// Refusals in a row that named no wait.
    failures: u32,
    /// The reason of the open episode.
    episode: Option<UnansweredKind>,
}

impl CallGate {
    /// A gate with a full budget and no pause.
    pub fn new(terms: CallTerms) -> Self {
        Self {
            terms,
            state: Mutex::new(State {
                tokens: f64::from(terms.budget),
                refilled_at: None,
                paused: None,
                failures: 0,
                episode: None,
            }),
        }
    }

    /// The gate's terms.
    pub fn terms(&self) -> &CallTerms {
        &self.terms
    }

    /// Whether a call may be made at `now`; if so, it is counted against
    /// the budget.
    ///
    /// # Errors
    /// An [`Unanswered`] whose [`retry_after`](Unanswered::retry_after) is
    /// the time left: the platform's pause ([`Throttled`](UnansweredKind::Throttled),
    /// [`OutOfCredits`](UnansweredKind::OutOfCredits),
    /// [`Unauthorized`](UnansweredKind::Unauthorized)) or
    /// [`OverBudget`](UnansweredKind::OverBudget).
    pub fn admit(&self, now: Instant) -> Result<(), Unanswered> {
        let mut state = self.lock();
        if let Some((until, kind)) = state.paused {
            if now < until {
                return Err(Unanswered::new(kind).with_retry_after(Some(until - now)));
            }
            state.paused = None;
        }
        let budget = f64::from(self.terms.budget);
        let window = self.terms.window.as_secs_f64();
        if let Some(then) = state.refilled_at {
            let elapsed = now.saturating_duration_since(then).as_secs_f64();
            if window > 0.0 {
                state.tokens = (state.tokens + elapsed * budget / window).min(budget);
            } else {
                state.tokens = budget;
            }
        }
        state.refilled_at = Some(now);
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            return Ok(());
        }
        let wait = if budget > 0.0 {
            Duration::from_secs_f64((1.0 - state.tokens) * window / budget)
        } else {
            // No budget at all: nothing refills; ask again after a window.
            self.terms.window
        };
        Err(Unanswered::new(UnansweredKind::OverBudget).with_retry_after(Some(wait)))
    }

    /// What an admitted call's answer means for the calls after it:
    /// `unanswered` is `None` when the platform answered (an outcome or a
    /// page). Returns the change of episode, if any, which it also logs.
    pub fn record(&self, now: Instant, unanswered: Option<&Unanswered>) -> Option<Episode> {
        let mut state = self.lock();
        let kind = match unanswered.map(Unanswered::kind) {
            Some(kind) if is_refusal(kind) => Some(kind),
            // The platform answered, for this call alone.
            None | Some(UnansweredKind::NotKnownYet) => None,
            // Not an answer of the platform (the gate's own refusal).
            Some(_) => return None,
        };
        let Some(kind) = kind else {
            state.failures = 0;
            let ended = state.episode.take()?;
            tracing::info!(
                reason = ?ended,
                "the platform answers the account's calls again; calls resume"
            );
            return Some(Episode::Ended(ended));
        };
        let wait = match unanswered.and_then(Unanswered::retry_after) {
            Some(wait) => wait.min(self.terms.max_retry_after),
            None => {
                let wait = self.terms.backoff(state.failures);
                state.failures = state.failures.saturating_add(1);
                wait
            }
        };
        let until = now + wait;
        // Answers of calls made before the pause may arrive after it
        // started: the later end wins.
        state.paused = match state.paused {
            Some((paused_until, _)) if paused_until > until => Some((paused_until, kind)),
            _ => Some((until, kind)),
        };
        let change = match state.episode.replace(kind) {
            None => Episode::Began(kind),
            Some(previous) if previous != kind => Episode::Changed(kind),
            Some(_) => return None,
        };
        match kind {
            UnansweredKind::OutOfCredits => tracing::warn!(
                wait_s = wait.as_secs(),
                "the BitBadges account's API credits are spent: calls to the platform are \
                 paused, and resume by themselves once it answers again"
            ),
            UnansweredKind::Unauthorized => tracing::error!(
                wait_s = wait.as_secs(),
                "the platform refused the API key: calls are paused; check the key"
            ),
            _ => tracing::warn!(
                wait_s = wait.as_secs(),
                "the platform's rate limit was reached: calls are paused"
            ),
        }
        Some(change)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere
        // while it was held leaves nothing half-done.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for CallGate {
    fn default() -> Self {
        Self::new(CallTerms::default())
    }
}

/// Whether the platform refused the account (not this call alone).
fn is_refusal(kind: UnansweredKind) -> bool {
    matches!(
        kind,
        UnansweredKind::Throttled | UnansweredKind::OutOfCredits | UnansweredKind::Unauthorized
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn the_budget_allows_a_burst_then_refills_evenly() {
        let gate = CallGate::new(CallTerms {
            budget: 3,
            window: secs(60),
            ..CallTerms::default()
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            gate.admit(t0).unwrap();
        }
        let over = gate.admit(t0).unwrap_err();
        assert_eq!(over.kind(), UnansweredKind::OverBudget);
        assert_eq!(over.retry_after(), Some(secs(20)));
        // A call refills every 20 s.
        assert!(gate.admit(t0 + secs(19)).is_err());
        gate.admit(t0 + secs(20)).unwrap();
        assert!(gate.admit(t0 + secs(20)).is_err());
        // Never more than the budget, however long it rested.
        let later = t0 + secs(3600);
        for _ in 0..3 {
            gate.admit(later).unwrap();
        }
        assert!(gate.admit(later).is_err());
    }

    #[test]
    fn no_budget_admits_nothing() {
        let gate = CallGate::new(CallTerms {
            budget: 0,
            ..CallTerms::default()
        });
        let t0 = Instant::now();
        let over = gate.admit(t0).unwrap_err();
        assert_eq!(over.kind(), UnansweredKind::OverBudget);
        assert!(gate.admit(t0 + secs(3600)).is_err());
    }

    #[test]
    fn retry_after_is_honoured_then_calls_resume() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        gate.admit(t0).unwrap();
        let throttled = Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(secs(30)));
        assert_eq!(
            gate.record(t0, Some(&throttled)),
            Some(Episode::Began(UnansweredKind::Throttled))
        );
        let wait = gate.admit(t0 + secs(10)).unwrap_err();
        assert_eq!(wait.kind(), UnansweredKind::Throttled);
        assert_eq!(wait.retry_after(), Some(secs(20)));
        assert!(gate.admit(t0 + secs(29)).is_err());
        gate.admit(t0 + secs(30)).unwrap();
        assert_eq!(
            gate.record(t0 + secs(30), None),
            Some(Episode::Ended(UnansweredKind::Throttled))
        );
        assert_eq!(gate.record(t0 + secs(31), None), None);
    }

    #[test]
    fn spent_credits_back_off_to_two_minutes_and_log_once() {
        let gate = CallGate::default();
        let spent = Unanswered::new(UnansweredKind::OutOfCredits);
        let mut now = Instant::now();
        let mut changes = Vec::new();
        let mut waits = Vec::new();
        for _ in 0..8 {
            gate.admit(now).unwrap();
            changes.push(gate.record(now, Some(&spent)));
            let wait = gate.admit(now).unwrap_err().retry_after().unwrap();
            waits.push(wait.as_secs());
            now += wait;
        }
        assert_eq!(waits, [5, 10, 20, 40, 80, 120, 120, 120]);
        // Logged once: when the episode began.
        assert_eq!(
            changes[0],
            Some(Episode::Began(UnansweredKind::OutOfCredits))
        );
        assert!(changes[1..].iter().all(Option::is_none), "{changes:?}");
        // Credits topped up: the next admitted call, at most two minutes
        // later, is answered and calls resume.
        gate.admit(now).unwrap();
        assert_eq!(
            gate.record(now, None),
            Some(Episode::Ended(UnansweredKind::OutOfCredits))
        );
        gate.admit(now).unwrap();
    }

    #[test]
    fn a_not_known_yet_is_an_answer_for_the_account() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        let spent = Unanswered::new(UnansweredKind::OutOfCredits);
        gate.record(t0, Some(&spent));
        gate.admit(t0 + secs(5)).unwrap();
        let unknown = Unanswered::new(UnansweredKind::NotKnownYet);
        assert_eq!(
            gate.record(t0 + secs(5), Some(&unknown)),
            Some(Episode::Ended(UnansweredKind::OutOfCredits))
        );
        gate.admit(t0 + secs(5)).unwrap();
    }

    #[test]
    fn another_reason_changes_the_episode() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        let throttled = Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(secs(1)));
        let spent = Unanswered::new(UnansweredKind::OutOfCredits);
        assert_eq!(
            gate.record(t0, Some(&throttled)),
            Some(Episode::Began(UnansweredKind::Throttled))
        );
        assert_eq!(
            gate.record(t0 + secs(1), Some(&spent)),
            Some(Episode::Changed(UnansweredKind::OutOfCredits))
        );
        assert_eq!(
            gate.admit(t0 + secs(2)).unwrap_err().kind(),
            UnansweredKind::OutOfCredits
        );
    }

    #[test]
    fn a_late_answer_never_shortens_a_pause() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        let long = Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(secs(60)));
        let short = Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(secs(1)));
        gate.record(t0, Some(&long));
        gate.record(t0, Some(&short));
        assert_eq!(
            gate.admit(t0 + secs(2)).unwrap_err().retry_after(),
            Some(secs(58))
        );
    }

    #[test]
    fn a_huge_retry_after_is_cut() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        let days =
            Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(secs(30 * 24 * 3600)));
        gate.record(t0, Some(&days));
        assert_eq!(
            gate.admit(t0).unwrap_err().retry_after(),
            Some(CallTerms::DEFAULT_MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn the_gates_own_refusal_changes_nothing() {
        let gate = CallGate::default();
        let t0 = Instant::now();
        let spent = Unanswered::new(UnansweredKind::OutOfCredits);
        gate.record(t0, Some(&spent));
        let over = Unanswered::new(UnansweredKind::OverBudget);
        assert_eq!(gate.record(t0, Some(&over)), None);
        assert_eq!(
            gate.admit(t0).unwrap_err().kind(),
            UnansweredKind::OutOfCredits
        );
    }

    #[test]
    fn backoff_never_overflows() {
        let terms = CallTerms::default();
        assert_eq!(terms.backoff(u32::MAX), terms.max_backoff);
        assert_eq!(terms.backoff(64), terms.max_backoff);
    }
}
