//! A platform record for tests: answers from what the test recorded, and
//! lists a claim's attempts page by page.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::platform::{
    AttemptsPage, ListedAttempt, Outcome, PlatformRecord, Unanswered, UnansweredKind,
};

/// A [`PlatformRecord`] for tests: it knows the attempts the test recorded
/// ([`settle`](Self::settle) an outcome, or [`attempt`](Self::attempt) at
/// a time of its own), answers [`NotKnownYet`](UnansweredKind::NotKnownYet)
/// for the others, refuses when told to, and counts the calls made to it
/// (each would cost a credit).
///
/// A claim's attempts are listed in the order they were recorded, or, with
/// [`newest_first`](Self::newest_first), as the platform's listings go:
/// newest first (by attempt time, then the latest recorded first). Either
/// way a page's bookmark is the id of its last attempt, so that the next
/// page is the attempts listed after it: attempts recorded since never
/// shift the pages below.
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
///
/// Listed as the platform lists:
///
/// ```
/// use claimkit::platform::PlatformRecord;
/// use claimkit::testing::ScriptedRecord;
///
/// let record = ScriptedRecord::new().newest_first().with_page_size(2);
/// record.attempt("c", "a1", true, 10);
/// record.attempt("c", "a2", false, 20);
/// record.attempt("c", "a3", true, 30);
/// # futures_executor::block_on(async {
/// let first = record.claim_attempts("c", None, true).await.unwrap();
/// let ids: Vec<&str> = first.attempts.iter().map(|a| a.claim_attempt_id.as_str()).collect();
/// assert_eq!(ids, ["a3", "a2"]);
/// assert_eq!(first.next_bookmark.as_deref(), Some("a2"));
/// let last = record.claim_attempts("c", Some("a2"), true).await.unwrap();
/// assert_eq!(last.attempts[0].claim_attempt_id, "a1");
/// assert_eq!(last.next_bookmark, None);
/// // Without the failures.
/// let successes = record.claim_attempts("c", None, false).await.unwrap();
/// assert_eq!(successes.attempts.len(), 2);
/// # });
/// assert_eq!(record.list_calls(), 3);
/// ```
#[derive(Debug)]
pub struct ScriptedRecord {
    state: Mutex<Script>,
}

#[derive(Debug)]
struct Script {
    claims: HashMap<String, Vec<ListedAttempt>>,
    refusals: VecDeque<Unanswered>,
    page_size: usize,
    newest_first: bool,
    status_calls: usize,
    list_calls: usize,
}

impl ScriptedRecord {
    /// The default number of attempts on a page of a listing, as the
    /// platform's.
    pub const DEFAULT_PAGE_SIZE: usize = 25;

    /// A record that knows no attempt yet.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(Script {
                claims: HashMap::new(),
                refusals: VecDeque::new(),
                page_size: Self::DEFAULT_PAGE_SIZE,
                newest_first: false,
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

    /// Lists each claim's attempts as the platform does: newest first (by
    /// attempt time, then the latest recorded first).
    pub fn newest_first(self) -> Self {
        self.lock().newest_first = true;
        self
    }

    /// Records that attempt `claim_attempt_id` of `claim_id` ended with
    /// `outcome`: from now on the record answers it. A new attempt is
    /// listed after the claim's others, its attempt time their number;
    /// settling an attempt again changes its outcome in place.
    pub fn settle(&self, claim_id: &str, claim_attempt_id: &str, outcome: Outcome) {
        let mut script = self.lock();
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

    /// Records that attempt `claim_attempt_id` of `claim_id`, made at
    /// `attempted_at_ms`, succeeded (by the address `bb1<claim_attempt_id>`,
    /// without a claim number) or failed.
    pub fn attempt(
        &self,
        claim_id: &str,
        claim_attempt_id: &str,
        success: bool,
        attempted_at_ms: u64,
    ) {
        let address = format!("bb1{claim_attempt_id}");
        let outcome = if success {
            Outcome::Succeeded {
                address,
                claim_number: None,
            }
        } else {
            Outcome::Failed {
                address,
                reason: Some("a plugin refused".to_owned()),
            }
        };
        self.lock()
            .claims
            .entry(claim_id.to_owned())
            .or_default()
            .push(ListedAttempt::new(
                claim_attempt_id,
                outcome,
                attempted_at_ms,
            ));
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
            .claims
            .values()
            .flatten()
            .find(|listed| listed.claim_attempt_id == claim_attempt_id)
            .map(|listed| listed.outcome.clone())
            .ok_or_else(|| Unanswered::new(UnansweredKind::NotKnownYet))
    }

    /// A page of the claim's attempts from after the attempt `bookmark`
    /// names; a bookmark the listing does not hold is
    /// [`NotKnownYet`](UnansweredKind::NotKnownYet).
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
        let mut listed: Vec<(usize, &ListedAttempt)> = script
            .claims
            .get(claim_id)
            .map(|attempts| {
                attempts
                    .iter()
                    .enumerate()
                    .filter(|(_, listed)| include_failures || listed.outcome.is_success())
                    .collect()
            })
            .unwrap_or_default();
        if script.newest_first {
            listed.sort_by(|(i, a), (j, b)| {
                b.attempted_at_ms
                    .cmp(&a.attempted_at_ms)
                    .then_with(|| j.cmp(i))
            });
        }
        let start = match bookmark {
            None => 0,
            Some(bookmark) => {
                listed
                    .iter()
                    .position(|(_, listed)| listed.claim_attempt_id == bookmark)
                    .ok_or_else(|| Unanswered::new(UnansweredKind::NotKnownYet))?
                    + 1
            }
        };
        let end = (start + script.page_size).min(listed.len());
        let attempts: Vec<ListedAttempt> = listed
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|(_, listed)| (*listed).clone())
            .collect();
        let next_bookmark = match attempts.last() {
            Some(last) if end < listed.len() => Some(last.claim_attempt_id.clone()),
            _ => None,
        };
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
    fn newest_first_pages_are_not_shifted_by_newer_attempts() {
        let record = ScriptedRecord::new().newest_first().with_page_size(2);
        for n in 0..5u64 {
            record.attempt("c", &format!("a{n}"), n != 3, 100 + n);
        }
        block_on(async {
            let first = record.claim_attempts("c", None, true).await.unwrap();
            let bookmark = first.next_bookmark.unwrap();
            assert_eq!(bookmark, "a3");
            // Two newer attempts: the page after the bookmark is the same.
            record.attempt("c", "a5", true, 105);
            record.attempt("c", "a6", true, 105);
            let second = record
                .claim_attempts("c", Some(&bookmark), true)
                .await
                .unwrap();
            let ids: Vec<&str> = second
                .attempts
                .iter()
                .map(|a| a.claim_attempt_id.as_str())
                .collect();
            assert_eq!(ids, ["a2", "a1"]);
            let head = record.claim_attempts("c", None, true).await.unwrap();
            // Equal times: the latest recorded first.
            assert_eq!(head.attempts[0].claim_attempt_id, "a6");
            let unknown = record
                .claim_attempts("c", Some("nope"), true)
                .await
                .unwrap_err();
            assert_eq!(unknown.kind(), UnansweredKind::NotKnownYet);
            assert_eq!(
                record.attempt_outcome("a3").await.unwrap(),
                Outcome::Failed {
                    address: "bb1a3".into(),
                    reason: Some("a plugin refused".into()),
                }
            );
        });
        assert_eq!((record.list_calls(), record.status_calls()), (4, 1));
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
