//! A [`PlatformRecord`] behind a [`CallGate`].

use std::time::Instant;

use super::{AttemptsPage, CallGate, Outcome, PlatformRecord, Unanswered};

/// A [`PlatformRecord`] whose calls pass a [`CallGate`] first: within the
/// budget, and none while the platform has asked for a wait. A call the
/// gate holds back is an [`Unanswered`] at once, costing nothing.
///
/// ```
/// use claimkit::platform::{
///     AttemptsPage, CallGate, CallTerms, Gated, Outcome, PlatformRecord, Unanswered,
///     UnansweredKind,
/// };
///
/// /// A record whose account is out of credits.
/// struct Spent;
///
/// impl PlatformRecord for Spent {
///     async fn attempt_outcome(&self, _: &str) -> Result<Outcome, Unanswered> {
///         Err(Unanswered::new(UnansweredKind::OutOfCredits))
///     }
///     async fn claim_attempts(
///         &self,
///         _: &str,
///         _: Option<&str>,
///         _: bool,
///     ) -> Result<AttemptsPage, Unanswered> {
///         Err(Unanswered::new(UnansweredKind::OutOfCredits))
///     }
/// }
///
/// let record = Gated::new(Spent, CallGate::new(CallTerms::default()));
/// # futures_executor::block_on(async {
/// let first = record.attempt_outcome("a1").await.unwrap_err();
/// assert_eq!(first.kind(), UnansweredKind::OutOfCredits);
/// // The next call is held back for the backoff, without a request.
/// let second = record.attempt_outcome("a2").await.unwrap_err();
/// assert_eq!(second.kind(), UnansweredKind::OutOfCredits);
/// assert!(second.retry_after().is_some());
/// # });
/// ```
#[derive(Debug)]
pub struct Gated<P> {
    record: P,
    gate: CallGate,
}

impl<P> Gated<P> {
    /// `record` behind `gate`.
    pub fn new(record: P, gate: CallGate) -> Self {
        Self { record, gate }
    }

    /// The gate.
    pub fn gate(&self) -> &CallGate {
        &self.gate
    }

    /// The record behind the gate.
    pub fn get_ref(&self) -> &P {
        &self.record
    }

    /// The record behind the gate, and the gate.
    pub fn into_parts(self) -> (P, CallGate) {
        (self.record, self.gate)
    }
}

impl<P: PlatformRecord> PlatformRecord for Gated<P> {
    async fn attempt_outcome(&self, claim_attempt_id: &str) -> Result<Outcome, Unanswered> {
        self.gate.admit(Instant::now())?;
        let answer = self.record.attempt_outcome(claim_attempt_id).await;
        self.gate.record(Instant::now(), answer.as_ref().err());
        answer
    }

    async fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> Result<AttemptsPage, Unanswered> {
        self.gate.admit(Instant::now())?;
        let answer = self
            .record
            .claim_attempts(claim_id, bookmark, include_failures)
            .await;
        self.gate.record(Instant::now(), answer.as_ref().err());
        answer
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_executor::block_on;

    use super::*;
    use crate::platform::{CallTerms, UnansweredKind};
    use crate::testing::ScriptedRecord;

    #[test]
    fn a_refusal_holds_back_the_next_calls_without_a_request() {
        let scripted = ScriptedRecord::new();
        scripted.settle(
            "c",
            "a1",
            Outcome::Succeeded {
                address: "bb1a".into(),
                claim_number: None,
            },
        );
        let record = Gated::new(scripted, CallGate::default());
        block_on(async {
            assert!(record.attempt_outcome("a1").await.unwrap().is_success());
            record.get_ref().refuse_next(
                Unanswered::new(UnansweredKind::Throttled)
                    .with_retry_after(Some(Duration::from_secs(3600))),
            );
            let throttled = record.attempt_outcome("a1").await.unwrap_err();
            assert_eq!(throttled.kind(), UnansweredKind::Throttled);
            // The hour the platform asked for has not passed.
            for _ in 0..5 {
                let held = record.attempt_outcome("a1").await.unwrap_err();
                assert_eq!(held.kind(), UnansweredKind::Throttled);
                let held = record.claim_attempts("c", None, true).await.unwrap_err();
                assert_eq!(held.kind(), UnansweredKind::Throttled);
            }
        });
        assert_eq!(record.get_ref().status_calls(), 2);
        assert_eq!(record.get_ref().list_calls(), 0);
    }

    #[test]
    fn the_budget_caps_the_calls() {
        let gate = CallGate::new(CallTerms {
            budget: 2,
            window: Duration::from_secs(3600),
            ..CallTerms::default()
        });
        let record = Gated::new(ScriptedRecord::new(), gate);
        block_on(async {
            record.claim_attempts("c", None, true).await.unwrap();
            record.claim_attempts("c", None, true).await.unwrap();
            let over = record.claim_attempts("c", None, true).await.unwrap_err();
            assert_eq!(over.kind(), UnansweredKind::OverBudget);
        });
        assert_eq!(record.get_ref().list_calls(), 2);
    }
}
