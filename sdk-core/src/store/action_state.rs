//! The four states of a queued action, as every store records them.

use std::fmt;
use std::time::Duration;

use super::{ActionTerms, Next};

/// The state of an action in the queue (see [`Actions`](super::Actions)).
///
/// Stores record it by [`as_str`](Self::as_str) and read it back with
/// [`parse`](Self::parse): a state a store does not know is an error,
/// never a default.
///
/// ```
/// use claimkit::store::{ActionState, ActionTerms, Next};
///
/// assert_eq!(ActionState::parse("dead"), Some(ActionState::Dead));
/// assert_eq!(ActionState::parse("lost"), None);
/// // What a failure records, decided here for every store:
/// let terms = ActionTerms::default();
/// assert_eq!(ActionState::after_failure(Next::GiveUp, &terms), (ActionState::Dead, terms.dead_retention));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionState {
    /// Waiting until it is due.
    Pending,
    /// Taken by a runner, under a lease.
    Running,
    /// Done, remembered for [`ActionTerms::retention`].
    Done,
    /// Given up, listed for [`ActionTerms::dead_retention`].
    Dead,
}

impl ActionState {
    /// The state's name as stores record it: `pending`, `running`, `done`
    /// or `dead`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    /// The state named `name`; `None` for a name no store writes.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(Self::Pending),
            "running" => Some(Self::Running),
            "done" => Some(Self::Done),
            "dead" => Some(Self::Dead),
            _ => None,
        }
    }

    /// What a store records for a failed try followed by `next`: pending
    /// again, due after the retry's delay, or dead, forgotten after
    /// `terms.dead_retention`. Every store takes this answer as it is.
    pub fn after_failure(next: Next, terms: &ActionTerms) -> (Self, Duration) {
        match next {
            Next::Retry(delay) => (Self::Pending, delay),
            Next::GiveUp => (Self::Dead, terms.dead_retention),
        }
    }
}

impl fmt::Display for ActionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_nothing_else_parses() {
        for state in [
            ActionState::Pending,
            ActionState::Running,
            ActionState::Done,
            ActionState::Dead,
        ] {
            assert_eq!(ActionState::parse(state.as_str()), Some(state));
            assert_eq!(state.to_string(), state.as_str());
        }
        assert_eq!(ActionState::parse(""), None);
        assert_eq!(ActionState::parse("Pending"), None);
    }

    #[test]
    fn a_failure_is_a_retry_or_a_death() {
        let terms = ActionTerms::default();
        let second = Duration::from_secs(1);
        assert_eq!(
            ActionState::after_failure(Next::Retry(second), &terms),
            (ActionState::Pending, second)
        );
        assert_eq!(
            ActionState::after_failure(Next::GiveUp, &terms),
            (ActionState::Dead, terms.dead_retention)
        );
    }
}
