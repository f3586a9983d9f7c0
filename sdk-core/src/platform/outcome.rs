//! How an attempt ended, as the platform recorded it.

use crate::AttemptStatus;

/// How a claim attempt ended, as the platform recorded it.
///
/// Only a decoded answer of the platform makes an `Outcome`; every other
/// case is an [`Unanswered`](super::Unanswered).
///
/// ```
/// use claimkit::platform::Outcome;
/// use claimkit::AttemptStatus;
///
/// let outcome = Outcome::Succeeded { address: "bb1alice".into(), claim_number: Some(4) };
/// assert_eq!(outcome.attempt_status(), AttemptStatus::Success);
/// assert_eq!(outcome.address(), "bb1alice");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The claim attempt succeeded.
    Succeeded {
        /// The address that claimed (`bb1…`).
        address: String,
        /// The claim number the platform assigned, when the answer carries
        /// it (a claim's listing does, one attempt's status does not).
        claim_number: Option<u64>,
    },
    /// The claim attempt failed.
    Failed {
        /// The address that tried (`bb1…`).
        address: String,
        /// The platform's reason, when it gives one.
        reason: Option<String>,
    },
}

impl Outcome {
    /// The status a status webhook would carry for this outcome:
    /// [`AttemptStatus::Success`] or [`AttemptStatus::Failure`]. Work keyed
    /// by it (`"{claimAttemptId}:{status}"`) is the same work, whichever of
    /// the webhook and the record told first.
    pub fn attempt_status(&self) -> AttemptStatus {
        match self {
            Self::Succeeded { .. } => AttemptStatus::Success,
            Self::Failed { .. } => AttemptStatus::Failure,
        }
    }

    /// Whether the attempt succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded { .. })
    }

    /// The address that made the attempt.
    pub fn address(&self) -> &str {
        match self {
            Self::Succeeded { address, .. } | Self::Failed { address, .. } => address,
        }
    }
}
