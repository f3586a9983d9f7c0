//! Why the platform's record gave no outcome this time.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// Why the platform's record gave no outcome this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnansweredKind {
    /// The record does not know yet: the attempt is still being processed
    /// (or was never made), the platform failed (`5xx`), did not answer in
    /// time, could not be reached, or answered something unreadable. Ask
    /// again later, with a backoff; never take it for a failure.
    NotKnownYet,
    /// The account's rate limit was reached (`429`): no call until
    /// [`Unanswered::retry_after`] has passed, or a backoff when absent.
    /// It concerns every call of the account, not this one.
    Throttled,
    /// The account's API credits are spent (`402`): no call until a backoff
    /// has run out; someone has to top them up. It concerns every call of
    /// the account.
    OutOfCredits,
    /// The API refused the key (`401`): no call will succeed until the
    /// configuration changes. It concerns every call of the account.
    Unauthorized,
    /// No call was made: the plugin's own budget of calls
    /// ([`CallTerms::budget`](super::CallTerms::budget)) is spent for now.
    /// It concerns every call of the account.
    OverBudget,
}

/// Why the platform's record gave no [`Outcome`](super::Outcome) this time,
/// how long it asked to wait, and the cause, for the log.
///
/// ```
/// use std::time::Duration;
/// use claimkit::platform::{Unanswered, UnansweredKind};
///
/// let unanswered = Unanswered::new(UnansweredKind::Throttled)
///     .with_retry_after(Some(Duration::from_secs(30)));
/// assert!(unanswered.is_account_wide());
/// assert_eq!(unanswered.retry_after(), Some(Duration::from_secs(30)));
/// assert_eq!(
///     unanswered.to_string(),
///     "the platform's rate limit was reached; retry after 30 s"
/// );
/// ```
pub struct Unanswered {
    kind: UnansweredKind,
    retry_after: Option<Duration>,
    cause: Option<Box<dyn StdError + Send + Sync>>,
}

impl Unanswered {
    /// No answer, for this reason.
    pub fn new(kind: UnansweredKind) -> Self {
        Self {
            kind,
            retry_after: None,
            cause: None,
        }
    }

    /// The wait the platform asked for (`Retry-After`).
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// The error behind it, kept as [`source`](StdError::source). It must
    /// hold no API key (the `claimkit-bitbadges` errors never do).
    pub fn with_cause(mut self, cause: impl StdError + Send + Sync + 'static) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// Why there is no answer.
    pub fn kind(&self) -> UnansweredKind {
        self.kind
    }

    /// How long the platform asked to wait before the next call, when it
    /// said so.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether it concerns every call of the account (rate limit, spent
    /// credits, a refused key, the budget), not only this one: then no call should be
    /// made until the wait is over.
    pub fn is_account_wide(&self) -> bool {
        !matches!(self.kind, UnansweredKind::NotKnownYet)
    }
}

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            UnansweredKind::NotKnownYet => "the platform does not know the outcome yet",
            UnansweredKind::Throttled => "the platform's rate limit was reached",
            UnansweredKind::OutOfCredits => "the platform account's API credits are spent",
            UnansweredKind::Unauthorized => "the platform refused the API key",
            UnansweredKind::OverBudget => "the budget of calls to the platform is spent for now",
        })?;
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unanswered")
            .field("kind", &self.kind)
            .field("retry_after", &self.retry_after)
            .field("cause", &self.cause)
            .finish()
    }
}

impl StdError for Unanswered {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_known_yet_concerns_one_call() {
        assert!(!Unanswered::new(UnansweredKind::NotKnownYet).is_account_wide());
        for kind in [
            UnansweredKind::Throttled,
            UnansweredKind::OutOfCredits,
            UnansweredKind::Unauthorized,
            UnansweredKind::OverBudget,
        ] {
            assert!(Unanswered::new(kind).is_account_wide(), "{kind:?}");
        }
    }

    #[test]
    fn the_cause_is_the_source() {
        let cause = std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out");
        let unanswered = Unanswered::new(UnansweredKind::NotKnownYet).with_cause(cause);
        assert_eq!(unanswered.source().unwrap().to_string(), "timed out");
        assert_eq!(
            unanswered.to_string(),
            "the platform does not know the outcome yet"
        );
    }
}
