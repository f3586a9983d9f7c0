//! What a reconciler knows of each claim in this process: the attempts
//! waiting for their outcome, outcomes a listing found, and its listings.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{Check, ReconcileTerms};
use crate::platform::{AttemptsPage, Outcome};

/// The most listed outcomes kept, over every claim, before the oldest
/// claim's are dropped: each is final, and asked for again if needed.
const MAX_KNOWN: usize = 100_000;
/// How long a claim nothing waits for is remembered.
const IDLE_CLAIM: Duration = Duration::from_secs(600);
/// How far before the oldest waiting attempt's answer a newest-first
/// listing reads (clock skew, and the platform's `attemptedAt` coming
/// before the plugin's answer).
const LISTING_SLACK_MS: u64 = 60_000;

/// Which way a claim's listing runs, as its pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Unknown,
    OldestFirst,
    NewestFirst,
}

#[derive(Debug)]
struct Waiting {
    answered_at_ms: u64,
    seen: Instant,
}

#[derive(Debug)]
struct Claim {
    /// Attempts this process saw waiting, by id.
    waiting: HashMap<String, Waiting>,
    /// Outcomes a listing found, by attempt id, until a check takes them.
    known: HashMap<String, Outcome>,
    /// When the last listing started (this process's clock, and UNIX ms).
    listed: Option<(Instant, u64)>,
    /// Whether a listing runs now.
    listing: bool,
    order: Order,
    /// Oldest first: the bookmark of the last page read, where the next
    /// listing starts (new attempts are appended there).
    resume: Option<Option<String>>,
}

impl Claim {
    fn new() -> Self {
        Self {
            waiting: HashMap::new(),
            known: HashMap::new(),
            listed: None,
            listing: false,
            order: Order::Unknown,
            resume: None,
        }
    }
}

/// What a check of an attempt the listing did not settle does next.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// Ask for this attempt alone.
    Ask,
    /// List the claim, from this bookmark.
    List(Option<String>),
    /// Come back after this long (a listing runs or ran just now).
    Wait(Duration),
}

/// Where a listing stands after a page.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    Next(String),
    Stop,
}

#[derive(Debug, Default)]
pub(super) struct Claims {
    by_id: HashMap<String, Claim>,
}

impl Claims {
    /// Notes that `check`'s attempt waits (seen at `now`), and forgets the
    /// claim's attempts nobody has checked for long.
    pub(super) fn register(&mut self, check: &Check, now: Instant, terms: &ReconcileTerms) {
        // Claims nothing waits for, not listed for a while, are forgotten
        // (with the listing's order and where it stopped).
        self.by_id.retain(|_, claim| {
            !claim.waiting.is_empty()
                || claim.listing
                || claim
                    .listed
                    .is_some_and(|(started, _)| now.saturating_duration_since(started) < IDLE_CLAIM)
        });
        let claim = self
            .by_id
            .entry(check.claim_id.clone())
            .or_insert_with(Claim::new);
        let stale = terms.max_interval.max(terms.max_refusal_wait) * 2;
        claim
            .waiting
            .retain(|_, waiting| now.saturating_duration_since(waiting.seen) < stale);
        claim.waiting.insert(
            check.claim_attempt_id.clone(),
            Waiting {
                answered_at_ms: check.answered_at_ms,
                seen: now,
            },
        );
    }

    /// The outcome a listing found for `check`'s attempt, taken.
    pub(super) fn take_known(&mut self, check: &Check) -> Option<Outcome> {
        self.by_id
            .get_mut(&check.claim_id)?
            .known
            .remove(&check.claim_attempt_id)
    }

    /// Forgets `check`'s attempt: settled, or given up.
    pub(super) fn forget(&mut self, check: &Check) {
        let Some(claim) = self.by_id.get_mut(&check.claim_id) else {
            return;
        };
        claim.waiting.remove(&check.claim_attempt_id);
        claim.known.remove(&check.claim_attempt_id);
    }

    /// How many attempts wait, over every claim.
    pub(super) fn waiting(&self) -> usize {
        self.by_id.values().map(|claim| claim.waiting.len()).sum()
    }

    /// What `check` (answered `age` ago) does, its outcome unknown here:
    /// list its claim when enough of its attempts wait, or when only the
    /// listing tells what the check needs (a claim number), else ask.
    pub(super) fn plan(
        &mut self,
        check: &Check,
        age: Duration,
        now: Instant,
        now_ms: u64,
        terms: &ReconcileTerms,
    ) -> Plan {
        let Some(claim) = self.by_id.get_mut(&check.claim_id) else {
            return Plan::Ask;
        };
        let few = claim.waiting.len() < terms.list_from.max(1) && !check.needs_listing();
        if few || check.claim_id.is_empty() {
            return Plan::Ask;
        }
        if claim.listing {
            return Plan::Wait(terms.list_every);
        }
        if let Some((started, started_ms)) = claim.listed {
            let since = now.saturating_duration_since(started);
            if since < terms.list_every {
                return if started_ms >= check.answered_at_ms {
                    // That listing came after the answer and did not have
                    // it: the platform does not know it yet.
                    Plan::Wait(terms.next_check(age).max(terms.list_every - since))
                } else {
                    Plan::Wait(terms.list_every - since)
                };
            }
        }
        claim.listing = true;
        claim.listed = Some((now, now_ms));
        let from = match claim.order {
            Order::OldestFirst => claim.resume.clone().flatten(),
            _ => None,
        };
        Plan::List(from)
    }

    /// Takes in a page of `claim_id`'s listing, read from `bookmark`, and
    /// says whether to read on.
    pub(super) fn absorb(
        &mut self,
        claim_id: &str,
        bookmark: Option<&str>,
        page: AttemptsPage,
    ) -> Step {
        let known_total: usize = self.by_id.values().map(|claim| claim.known.len()).sum();
        if known_total + page.attempts.len() > MAX_KNOWN {
            for claim in self.by_id.values_mut() {
                claim.known.clear();
            }
        }
        let Some(claim) = self.by_id.get_mut(claim_id) else {
            return Step::Stop;
        };
        let first = page.attempts.first().map(|a| a.attempted_at_ms);
        let last = page.attempts.last().map(|a| a.attempted_at_ms);
        if let (Some(first), Some(last)) = (first, last) {
            if first < last {
                claim.order = Order::OldestFirst;
            } else if first > last {
                claim.order = Order::NewestFirst;
            }
        }
        let oldest_on_page = page.attempts.iter().map(|a| a.attempted_at_ms).min();
        for listed in page.attempts {
            claim.known.insert(listed.claim_attempt_id, listed.outcome);
        }
        if claim.order == Order::OldestFirst {
            claim.resume = Some(bookmark.map(str::to_owned));
        }
        let all_known = claim
            .waiting
            .keys()
            .all(|attempt| claim.known.contains_key(attempt));
        let Some(next) = page.next_bookmark else {
            return Step::Stop;
        };
        if all_known {
            return Step::Stop;
        }
        if claim.order == Order::NewestFirst {
            let oldest_waiting = claim.waiting.values().map(|w| w.answered_at_ms).min();
            if let (Some(page_oldest), Some(waiting_oldest)) = (oldest_on_page, oldest_waiting) {
                if page_oldest.saturating_add(LISTING_SLACK_MS) < waiting_oldest {
                    return Step::Stop;
                }
            }
        }
        Step::Next(next)
    }

    /// Ends `claim_id`'s listing.
    pub(super) fn listed(&mut self, claim_id: &str) {
        if let Some(claim) = self.by_id.get_mut(claim_id) {
            claim.listing = false;
        }
    }
}
