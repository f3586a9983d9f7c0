//! A platform record for tests that lists a claim's attempts as the
//! platform does: newest first, a page's bookmark naming its last attempt.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::platform::{
    AttemptsPage, ListedAttempt, Outcome, PlatformRecord, Unanswered, UnansweredKind,
};

/// A [`PlatformRecord`] for tests that lists each claim's attempts as the
/// platform's listings go: newest first (by attempt time, then the latest
/// recorded first), and a page's bookmark is the id of its last attempt,
/// so that the next page is the attempts listed after it: attempts added
/// since never shift the pages below. It refuses when told to, and counts
/// the pages listed (each would cost a credit).
///
/// ```
/// use claimkit::platform::PlatformRecord;
/// use claimkit::testing::ListingRecord;
///
/// let record = ListingRecord::new().with_page_size(2);
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
pub struct ListingRecord {
    state: Mutex<Listing>,
}

#[derive(Debug)]
struct Listing {
    claims: HashMap<String, Vec<ListedAttempt>>,
    refusals: VecDeque<Unanswered>,
    page_size: usize,
    list_calls: usize,
}

impl ListingRecord {
    /// The default number of attempts on a page, as the platform's.
    pub const DEFAULT_PAGE_SIZE: usize = 25;

    /// A record that lists no attempt yet.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(Listing {
                claims: HashMap::new(),
                refusals: VecDeque::new(),
                page_size: Self::DEFAULT_PAGE_SIZE,
                list_calls: 0,
            }),
        }
    }

    /// Lists `page_size` attempts a page (at least one).
    pub fn with_page_size(self, page_size: usize) -> Self {
        self.lock().page_size = page_size.max(1);
        self
    }

    /// Records that attempt `claim_attempt_id` of `claim_id`, made at
    /// `attempted_at_ms`, succeeded or failed.
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

    /// The next call answers `unanswered`; queued refusals answer one call
    /// each, in order.
    pub fn refuse_next(&self, unanswered: Unanswered) {
        self.lock().refusals.push_back(unanswered);
    }

    /// How many times [`claim_attempts`](PlatformRecord::claim_attempts)
    /// was called.
    pub fn list_calls(&self) -> usize {
        self.lock().list_calls
    }

    fn lock(&self) -> MutexGuard<'_, Listing> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ListingRecord {
    fn default() -> Self {
        Self::new()
    }
}

impl PlatformRecord for ListingRecord {
    async fn attempt_outcome(&self, claim_attempt_id: &str) -> Result<Outcome, Unanswered> {
        let listing = self.lock();
        listing
            .claims
            .values()
            .flatten()
            .find(|listed| listed.claim_attempt_id == claim_attempt_id)
            .map(|listed| listed.outcome.clone())
            .ok_or_else(|| Unanswered::new(UnansweredKind::NotKnownYet))
    }

    async fn claim_attempts(
        &self,
        claim_id: &str,
        bookmark: Option<&str>,
        include_failures: bool,
    ) -> Result<AttemptsPage, Unanswered> {
        let mut listing = self.lock();
        listing.list_calls += 1;
        if let Some(refusal) = listing.refusals.pop_front() {
            return Err(refusal);
        }
        let mut listed: Vec<(usize, &ListedAttempt)> = listing
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
        listed.sort_by(|(i, a), (j, b)| {
            b.attempted_at_ms
                .cmp(&a.attempted_at_ms)
                .then_with(|| j.cmp(i))
        });
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
        let end = (start + listing.page_size).min(listed.len());
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
