//! The trait through which the core reads the platform's record.

use std::future::Future;

use super::{Outcome, Unanswered};

/// One attempt of a claim, as the platform's listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedAttempt {
    /// The attempt's id: the `claimAttemptId` the plugin was called with.
    pub claim_attempt_id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// When it was made, in UNIX milliseconds.
    pub attempted_at_ms: u64,
}

impl ListedAttempt {
    /// A listed attempt.
    pub fn new(
        claim_attempt_id: impl Into<String>,
        outcome: Outcome,
        attempted_at_ms: u64,
    ) -> Self {
        Self {
            claim_attempt_id: claim_attempt_id.into(),
            outcome,
            attempted_at_ms,
        }
    }
}

/// One page of a claim's attempts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AttemptsPage {
    /// The attempts on this page.
    pub attempts: Vec<ListedAttempt>,
    /// Where the next page starts, or `None` on the last page.
    pub next_bookmark: Option<String>,
}

impl AttemptsPage {
    /// A page of `attempts`, followed by the page at `next_bookmark`.
    pub fn new(attempts: Vec<ListedAttempt>, next_bookmark: Option<String>) -> Self {
        Self {
            attempts,
            next_bookmark,
        }
    }
}

/// The platform's record of claim attempts: how the core asks how an
/// attempt ended, without knowing HTTP.
///
/// Each call is one request to a metered API: an implementation never
/// retries on its own, and the caller decides when to ask again (the
/// [`Unanswered`] says how long the platform asked it to wait).
///
/// # What an implementation guarantees
///
/// - An [`Outcome`] only from a decoded answer of the platform; every other
///   case (`5xx`, an attempt not processed yet, a time-out, an unreadable
///   answer) is [`UnansweredKind::NotKnownYet`](super::UnansweredKind::NotKnownYet),
///   never [`Outcome::Failed`].
/// - `429`, `402` and `401` are
///   [`Throttled`](super::UnansweredKind::Throttled),
///   [`OutOfCredits`](super::UnansweredKind::OutOfCredits) and
///   [`Unauthorized`](super::UnansweredKind::Unauthorized), with the
///   platform's `Retry-After` when it gave one.
/// - Neither an [`Unanswered`] nor a log line holds the API key.
///
/// ```
/// use claimkit::platform::{AttemptsPage, Outcome, PlatformRecord, Unanswered, UnansweredKind};
///
/// /// A record that knows one attempt.
/// struct OneAttempt;
///
/// impl PlatformRecord for OneAttempt {
///     async fn attempt_outcome(&self, claim_attempt_id: &str) -> Result<Outcome, Unanswered> {
///         match claim_attempt_id {
///             "a1" => Ok(Outcome::Succeeded { address: "bb1alice".into(), claim_number: None }),
///             _ => Err(Unanswered::new(UnansweredKind::NotKnownYet)),
///         }
///     }
///
///     async fn claim_attempts(
///         &self,
///         _claim_id: &str,
///         _bookmark: Option<&str>,
///         _include_failures: bool,
///     ) -> Result<AttemptsPage, Unanswered> {
///         Ok(AttemptsPage::default())
///     }
/// }
///
/// # futures_executor::block_on(async {
/// let outcome = OneAttempt.attempt_outcome("a1").await?;
/// assert!(outcome.is_success());
/// let unknown = OneAttempt.attempt_outcome("a2").await.unwrap_err();
/// assert_eq!(unknown.kind(), UnansweredKind::NotKnownYet);
/// # Ok::<(), Unanswered>(())
/// # }).unwrap();
/// ```
pub trait PlatformRecord: Send + Sync {
    /// How one attempt ended.
    ///
    /// # Errors
    /// An [`Unanswered`] when the platform gave no outcome this time.
    fn attempt_outcome(
        &self,
        claim_attempt_id: &str,
    ) -> impl Future<Output = Result<Outcome, Unanswered>> + Send;

    /// One page of a claim's attempts, from `bookmark` (`None` for the
    /// first page), with the failed ones when `include_failures`: one
    /// request for many attempts of one claim.
    ///
    /// # Errors
    /// An [`Unanswered`] when the platform gave no page this time.
    fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> impl Future<Output = Result<AttemptsPage, Unanswered>> + Send;
}

impl<T: PlatformRecord + ?Sized> PlatformRecord for std::sync::Arc<T> {
    fn attempt_outcome(
        &self,
        claim_attempt_id: &str,
    ) -> impl Future<Output = Result<Outcome, Unanswered>> + Send {
        (**self).attempt_outcome(claim_attempt_id)
    }
    fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> impl Future<Output = Result<AttemptsPage, Unanswered>> + Send {
        (**self).claim_attempts(claim_id, bookmark, include_failures)
    }
}

impl<T: PlatformRecord + ?Sized> PlatformRecord for &T {
    fn attempt_outcome(
        &self,
        claim_attempt_id: &str,
    ) -> impl Future<Output = Result<Outcome, Unanswered>> + Send {
        (**self).attempt_outcome(claim_attempt_id)
    }
    fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> impl Future<Output = Result<AttemptsPage, Unanswered>> + Send {
        (**self).claim_attempts(claim_id, bookmark, include_failures)
    }
}
