//! A platform record for tests: answers from what the test settled.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::platform::{
    AttemptsPage, ListedAttempt, Outcome, PlatformRecord, Unanswered, UnansweredKind,
};

/// A [`PlatformRecord`] for tests: it knows the attempts the test settled,
/// answers [`NotKnownYet`](UnansweredKind::NotKnownYet) for the others,
/// refuses when told to, and counts the calls made to it (each would cost a
/// credit).
///
/// ```
/// use claimkit::platform::{Outcome, PlatformRecord, Unanswered, UnansweredKind};
/// use claimkit::testing::ScriptedRecord;
///
/// let record = ScriptedRecord::new();
/// record.settle("claim-1", "a1", Outcome::Succeeded { address: "bb1a".into(), claim_number: Some(0) });
/// record.refuse_next(Unanswered::new(UnansweredKind::OutOfCredits));
/// # futures_executor::block_on(async {
/// let spent = record.attempt_outcome("a1").await.unwrap_err();
/// assert_eq!(spent.kind(), UnansweredKind::OutOfCredits);
/// assert!(record.attempt_outcome("a1").await.unwrap().is_success());
/// let unknown = record.attempt_outcome("a2").await.unwrap_err();
/// assert_eq!(unknown.kind(), UnansweredKind::NotKnownYet);
/// # });
/// assert_eq!(record.status_calls(), 3);
/// ```
#[derive(Debug)]
pub struct ScriptedRecord {
    state: Mutex<Script>,
}

#[derive(Debug)]
struct Script {
    outcomes: HashMap<String, Outcome>,
    claims: HashMap<String, Vec<ListedAttempt>>,
    refusals: VecDeque<Unanswered>,
    page_size: usize,
    status_calls: usize,
    list_calls: usize,
}

impl ScriptedRecord {
    /// The default number of attempts on a page of a listing.
    pub const DEFAULT_PAGE_SIZE: usize = 25;

    /// A record that knows no attempt yet.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(Script {
                outcomes: HashMap::new(),
                claims: HashMap::new(),
                refusals: VecDeque::new(),
                page_size: Self::DEFAULT_PAGE_SIZE,
                status_calls: 0,
                list_calls: 0,
            }),
        }
    }

    /// Lists `page_size` attempts a page (at least one).
    pub fn with_page_size(self, page_size: usize) -> Self {
        self.lock().page_size = page_size.max(1);
        self
    }

    /// Records that attempt `claim_attempt_id` of `claim_id` ended with
    /// `outcome`: from now on the record answers it, and lists it last
    /// among the claim's attempts. Settling an attempt again changes its
    /// outcome in place.
    pub fn settle(&self, claim_id: &str, claim_attempt_id: &str, outcome: Outcome) {
        let mut script = self.lock();
        script
            .outcomes
            .insert(claim_attempt_id.to_owned(), outcome.clone());
        let attempts = script.claims.entry(claim_id.to_owned()).or_default();
        match attempts
            .iter_mut()
            .find(|listed| listed.claim_attempt_id == claim_attempt_id)
        {
            Some(listed) => listed.outcome = outcome,
            None => {
                let attempted_at_ms = attempts.len() as u64;
                attempts.push(ListedAttempt::new(
                    claim_attempt_id,
                    outcome,
                    attempted_at_ms,
                ));
            }
        }
    }

    /// The next call, of either method, answers `unanswered`; queued
    /// refusals answer one call each, in order.
    pub fn refuse_next(&self, unanswered: Unanswered) {
        self.lock().refusals.push_back(unanswered);
    }

    /// How many times [`attempt_outcome`](PlatformRecord::attempt_outcome)
    /// was called.
    pub fn status_calls(&self) -> usize {
        self.lock().status_calls
    }

    /// How many times [`claim_attempts`](PlatformRecord::claim_attempts)
    /// was called.
    pub fn list_calls(&self) -> usize {
        self.lock().list_calls
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ScriptedRecord {
    fn default() -> Self {
        Self::new()
    }
}

impl PlatformRecord for ScriptedRecord {
    async fn attempt_outcome(&self, claim_attempt_id: &str) -> Result<Outcome, Unanswered> {
        let mut script = self.lock();
        script.status_calls += 1;
        if let Some(refusal) = script.refusals.pop_front() {
            return Err(refusal);
        }
        script
            .outcomes
            .get(claim_attempt_id)
            .cloned()
            .ok_or_else(|| Unanswered::new(UnansweredKind::NotKnownYet))
    }

    /// Pages of the settled attempts in the order they were settled; the
    /// bookmark is the index of the page's first attempt.
    async fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> Result<AttemptsPage, Unanswered> {
        let mut script = self.lock();
        script.list_calls += 1;
        if let Some(refusal) = script.refusals.pop_front() {
            return Err(refusal);
        }
        let start = match bookmark {
            None => 0,
            Some(bookmark) => bookmark
                .parse::<usize>()
                .map_err(|_| Unanswered::new(UnansweredKind::NotKnownYet))?,
        };
        let page_size = script.page_size;
        let listed: Vec<&ListedAttempt> = script
            .claims
            .get(claim_id)
            .map(|attempts| {
                attempts
                    .iter()
                    .filter(|listed| include_failures || listed.outcome.is_success())
                    .collect()
            })
            .unwrap_or_default();
        let end = (start + page_size).min(listed.len());
        let attempts: Vec<ListedAttempt> = listed
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|listed| (*listed).clone())
            .collect();
        let next_bookmark = (end < listed.len()).then(|| end.to_string());
        Ok(AttemptsPage::new(attempts, next_bookmark))
    }
}

#[cfg(test)]
mod tests {
    use futures_executor::block_on;

    use super::*;

    fn succeeded(number: u64) -> Outcome {
        Outcome::Succeeded {
            address: format!("bb1{number}"),
            claim_number: Some(number),
        }
    }

    fn failed() -> Outcome {
        Outcome::Failed {
            address: "bb1x".into(),
            reason: None,
        }
    }

    #[test]
    fn a_claim_is_listed_page_by_page() {
        let record = ScriptedRecord::new().with_page_size(2);
        for n in 0..5 {
            let outcome = if n == 3 { failed() } else { succeeded(n) };
            record.settle("c", &format!("a{n}"), outcome);
        }
        block_on(async {
            let mut bookmark = None;
            let mut seen = Vec::new();
            loop {
                let page = record
                    .claim_attempts("c", bookmark.as_deref(), true)
                    .await
                    .unwrap();
                seen.extend(page.attempts.into_iter().map(|a| a.claim_attempt_id));
                match page.next_bookmark {
                    Some(next) => bookmark = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen, ["a0", "a1", "a2", "a3", "a4"]);
            let successes = record.claim_attempts("c", None, false).await.unwrap();
            assert_eq!(successes.attempts.len(), 2);
            assert!(successes.attempts.iter().all(|a| a.outcome.is_success()));
            let none = record.claim_attempts("other", None, true).await.unwrap();
            assert!(none.attempts.is_empty() && none.next_bookmark.is_none());
        });
        assert_eq!(record.list_calls(), 5);
    }

    #[test]
    fn settling_again_changes_the_outcome_in_place() {
        let record = ScriptedRecord::new();
        record.settle("c", "a1", failed());
        record.settle("c", "a1", succeeded(4));
        block_on(async {
            let page = record.claim_attempts("c", None, true).await.unwrap();
            assert_eq!(page.attempts.len(), 1);
            assert_eq!(page.attempts[0].outcome, succeeded(4));
            assert_eq!(record.attempt_outcome("a1").await.unwrap(), succeeded(4));
        });
    }

    #[test]
    fn refusals_answer_one_call_each_in_order() {
        let record = ScriptedRecord::new();
        record.settle("c", "a1", succeeded(0));
        record.refuse_next(Unanswered::new(UnansweredKind::Throttled));
        record.refuse_next(Unanswered::new(UnansweredKind::OutOfCredits));
        block_on(async {
            let first = record.claim_attempts("c", None, true).await.unwrap_err();
            assert_eq!(first.kind(), UnansweredKind::Throttled);
            let second = record.attempt_outcome("a1").await.unwrap_err();
            assert_eq!(second.kind(), UnansweredKind::OutOfCredits);
            assert!(record.attempt_outcome("a1").await.is_ok());
        });
        assert_eq!((record.status_calls(), record.list_calls()), (2, 1));
    }
}
