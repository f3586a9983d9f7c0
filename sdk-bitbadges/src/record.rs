//! The client as the core's [`PlatformRecord`]: the platform's record of
//! how attempts ended, for the core's rules.

use claimkit::platform::{
    AttemptsPage, ListedAttempt, Outcome, PlatformRecord, Unanswered, UnansweredKind,
};

use crate::{ClaimAttempt, ClaimAttemptStatus, ClaimAttemptsQuery, Client, Error, ErrorKind};

/// Each method is one request; an error becomes an [`Unanswered`] with the
/// client's [`Error`] as its cause: `429`, `402` and `401` are
/// [`Throttled`](UnansweredKind::Throttled),
/// [`OutOfCredits`](UnansweredKind::OutOfCredits) and
/// [`Unauthorized`](UnansweredKind::Unauthorized); everything else (a
/// `5xx`, `"No doc found"`, another refusal, a time-out, a transport
/// failure, an unreadable answer) is
/// [`NotKnownYet`](UnansweredKind::NotKnownYet), never a failed attempt.
impl PlatformRecord for Client {
    async fn attempt_outcome(&self, claim_attempt_id: &str) -> Result<Outcome, Unanswered> {
        let status = self
            .get_claim_attempt_status(claim_attempt_id)
            .await
            .map_err(unanswered)?;
        Ok(status_outcome(status))
    }

    async fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> Result<AttemptsPage, Unanswered> {
        let mut query = ClaimAttemptsQuery::new().with_errors(include_failures);
        if let Some(bookmark) = bookmark {
            query = query.with_bookmark(bookmark);
        }
        let page = self
            .get_claim_attempts(claim_id, &query)
            .await
            .map_err(unanswered)?;
        let next_bookmark = page.next_bookmark().map(str::to_owned);
        let attempts = page.docs.into_iter().map(listed).collect();
        Ok(AttemptsPage::new(attempts, next_bookmark))
    }
}

fn status_outcome(status: ClaimAttemptStatus) -> Outcome {
    if status.success {
        Outcome::Succeeded {
            address: status.bitbadges_address,
            claim_number: None,
        }
    } else {
        Outcome::Failed {
            address: status.bitbadges_address,
            reason: status.error.filter(|reason| !reason.is_empty()),
        }
    }
}

fn listed(attempt: ClaimAttempt) -> ListedAttempt {
    let outcome = if attempt.success {
        Outcome::Succeeded {
            address: attempt.bitbadges_address,
            claim_number: attempt.claim_number,
        }
    } else {
        Outcome::Failed {
            address: attempt.bitbadges_address,
            reason: attempt.error.filter(|reason| !reason.is_empty()),
        }
    };
    ListedAttempt::new(attempt.claim_attempt_id, outcome, attempt.attempted_at)
}

/// The core's reading of a client error.
fn unanswered(err: Error) -> Unanswered {
    let kind = match err.kind() {
        ErrorKind::RateLimited => UnansweredKind::Throttled,
        ErrorKind::OutOfCredits => UnansweredKind::OutOfCredits,
        ErrorKind::Unauthorized => UnansweredKind::Unauthorized,
        _ => UnansweredKind::NotKnownYet,
    };
    Unanswered::new(kind)
        .with_retry_after(err.retry_after())
        .with_cause(err)
}
