//! The conformance checks of feed positions ([`Feeds`]) and of the feed's
//! rules on them ([`feed_round`]): every backend runs them, beside
//! [`conformance::run`](super::run).
//!
//! ```
//! use std::time::Duration;
//! use claimkit::store::MemoryStore;
//! use claimkit::testing::conformance::{self, Backend};
//!
//! struct Memory;
//!
//! impl Backend for Memory {
//!     type Store = MemoryStore;
//!     async fn open(&self) -> MemoryStore {
//!         MemoryStore::default()
//!     }
//!     async fn reopen(&self, _store: MemoryStore) -> Option<MemoryStore> {
//!         None
//!     }
//!     async fn sleep(&self, duration: Duration) {
//!         std::thread::sleep(duration)
//!     }
//! }
//!
//! futures_executor::block_on(conformance::feeds::run(&Memory));
//! ```
//!
//! The listing is a [`ScriptedRecord`] listing newest first, as the
//! platform's; no check waits on a clock.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::future::join_all;

use super::fixtures::id;
use super::Backend;
use crate::feed::{feed_round, FeedPosition, FeedRound, FeedTerms};
use crate::platform::{Unanswered, UnansweredKind};
use crate::store::{ActionTerms, Actions, Feeds, StatusAction};
use crate::testing::ScriptedRecord;
use crate::{AttemptStatus, ErrorKind};

/// The time between two attempts of a check, in milliseconds: the
/// lookback (a minute) holds one.
const MINUTE: u64 = 60_000;

/// Long enough to hold through any check.
const LONG: Duration = Duration::from_secs(3600);

fn terms(pages_per_round: u32) -> FeedTerms {
    FeedTerms {
        lookback: Duration::from_secs(60),
        pages_per_round,
    }
}

/// Every due action's key, sorted, checking each payload is the status
/// action a webhook would queue for `claim`.
async fn queued<S: Actions>(store: &S, claim: &str) -> Vec<String> {
    let terms = ActionTerms {
        lease: LONG,
        ..ActionTerms::default()
    };
    let due = store.take_due(1000, &terms).await.expect("take_due failed");
    let mut keys = Vec::new();
    for due in due {
        let action = due.decode::<StatusAction>().expect("a feed's payload");
        assert_eq!(action.payload.claim_id, claim, "{:?}", action.payload);
        assert_eq!(action.payload.status, AttemptStatus::Success);
        assert_eq!(due.key, action.payload.key());
        keys.push(due.key);
    }
    keys.sort();
    keys
}

fn keys(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = ids.into_iter().map(|id| format!("{id}:success")).collect();
    keys.sort();
    keys
}

/// Runs rounds until the walk finishes (at most `limit` rounds).
async fn until_finished<S: Feeds + Actions>(
    store: &S,
    record: &ScriptedRecord,
    claim: &str,
    terms: &FeedTerms,
) -> Vec<FeedRound> {
    let mut rounds = Vec::new();
    for _ in 0..100 {
        let round = feed_round(store, record, claim, terms)
            .await
            .expect("a feed round failed");
        let finished = round.finished;
        rounds.push(round);
        if finished {
            return rounds;
        }
    }
    panic!("the walk never finished: {rounds:?}");
}

/// Records `count` attempts on `claim` from time `from` on (one a
/// minute), every third a failure; answers the successes' ids.
fn attempts(record: &ScriptedRecord, claim: &str, tag: &str, from: u64, count: u64) -> Vec<String> {
    let mut successes = Vec::new();
    for i in 0..count {
        let attempt = format!("{tag}{i}");
        let success = i % 3 != 2;
        record.attempt(claim, &attempt, success, from + i * MINUTE);
        if success {
            successes.push(attempt);
        }
    }
    successes
}

/// Runs every feed check, each on a store of its own.
pub async fn run<B>(backend: &B)
where
    B: Backend,
    B::Store: Feeds + Actions,
{
    compare_and_set(&backend.open().await).await;
    an_unwritten_position_is_an_error(&backend.open().await).await;
    one_action_per_success(&backend.open().await).await;
    a_walk_goes_on_where_it_stopped(&backend.open().await).await;
    replicas_queue_nothing_twice(&backend.open().await).await;
    late_attempts_within_the_lookback(&backend.open().await).await;
    durability(backend).await;
}

/// Of concurrent advances from one position exactly one wins; a stale one
/// changes nothing.
pub async fn compare_and_set<S: Feeds>(store: &S) {
    let claim = id("claim");
    assert_eq!(store.feed_position(&claim).await.unwrap(), None);
    let tries: Vec<String> = (0..20).map(|i| format!("first-{i}")).collect();
    let won = join_all(tries.iter().map(|to| store.advance_feed(&claim, None, to))).await;
    let won: Vec<&String> = tries
        .iter()
        .zip(won)
        .filter_map(|(to, won)| won.expect("advance_feed failed").then_some(to))
        .collect();
    assert_eq!(won.len(), 1, "concurrent advances from none: {won:?}");
    let first = won[0].clone();
    assert_eq!(
        store.feed_position(&claim).await.unwrap(),
        Some(first.clone())
    );
    assert!(
        !store.advance_feed(&claim, None, "late").await.unwrap(),
        "an advance from no position moved a recorded one"
    );
    assert!(
        !store
            .advance_feed(&claim, Some("stale"), "late")
            .await
            .unwrap(),
        "an advance from a stale position moved it"
    );
    let tries: Vec<String> = (0..20).map(|i| format!("second-{i}")).collect();
    let won = join_all(
        tries
            .iter()
            .map(|to| store.advance_feed(&claim, Some(&first), to)),
    )
    .await;
    let won = won.into_iter().filter(|won| *won.as_ref().unwrap()).count();
    assert_eq!(won, 1, "concurrent advances from one position");
    // Claims are apart.
    let other = id("claim");
    assert_eq!(store.feed_position(&other).await.unwrap(), None);
    assert!(store.advance_feed(&other, None, "x").await.unwrap());
    assert_ne!(
        store.feed_position(&claim).await.unwrap().as_deref(),
        Some("x")
    );
}

/// A position claimkit never writes fails the round: never a fresh start,
/// which would queue the whole listing again.
pub async fn an_unwritten_position_is_an_error<S: Feeds + Actions>(store: &S) {
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first();
    record.attempt(&claim, "a", true, 1);
    assert!(store.advance_feed(&claim, None, "not json").await.unwrap());
    let err = feed_round(store, &record, &claim, &terms(10))
        .await
        .expect_err("a round read a position claimkit never writes");
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(queued(store, &claim).await.is_empty());
}

/// A claim with several pages of attempts: one action per success, none
/// for failures; a second round queues nothing and lists one page; new
/// successes are queued later, without listing the old pages again.
pub async fn one_action_per_success<S: Feeds + Actions>(store: &S) {
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first().with_page_size(4);
    let successes = attempts(&record, &claim, "old-", 1_000_000, 30);
    let rounds = until_finished(store, &record, &claim, &terms(100)).await;
    assert_eq!(rounds.len(), 1, "{rounds:?}");
    assert_eq!(rounds[0].queued as usize, successes.len());
    // Only the successes are listed: 20 of them, 4 a page.
    assert_eq!(rounds[0].pages, 5, "{rounds:?}");
    assert_eq!(queued(store, &claim).await, keys(successes.clone()));

    let calls = record.list_calls();
    let again = feed_round(store, &record, &claim, &terms(100))
        .await
        .unwrap();
    assert!(again.finished && again.queued == 0, "{again:?}");
    assert_eq!(record.list_calls() - calls, 1, "nothing new costs one page");
    assert!(queued(store, &claim).await.is_empty());

    let new = attempts(&record, &claim, "new-", 100 * MINUTE, 9);
    let calls = record.list_calls();
    let later = feed_round(store, &record, &claim, &terms(100))
        .await
        .unwrap();
    assert_eq!(later.queued as usize, new.len(), "{later:?}");
    assert!(
        record.list_calls() - calls <= 3,
        "the old pages were listed again: {} calls",
        record.list_calls() - calls
    );
    assert_eq!(queued(store, &claim).await, keys(new));
}

/// A walk stopped by the round's page limit or by the platform goes on
/// from its bookmark, never from the head again.
pub async fn a_walk_goes_on_where_it_stopped<S: Feeds + Actions>(store: &S) {
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first().with_page_size(3);
    let successes = attempts(&record, &claim, "a-", 1_000_000, 24); // 16 successes: 6 pages
    let first = feed_round(store, &record, &claim, &terms(2)).await.unwrap();
    assert!(first.more(), "{first:?}");
    assert_eq!((first.pages, first.queued), (2, 6));
    let position =
        FeedPosition::decode(&store.feed_position(&claim).await.unwrap().unwrap()).unwrap();
    assert!(position.walking() && position.floor_ms().is_none());

    record.refuse_next(Unanswered::new(UnansweredKind::Throttled));
    let refused = feed_round(store, &record, &claim, &terms(2)).await.unwrap();
    assert_eq!(
        refused.unanswered.as_ref().map(Unanswered::kind),
        Some(UnansweredKind::Throttled)
    );
    assert_eq!(refused.queued, 0);

    let rest = until_finished(store, &record, &claim, &terms(2)).await;
    let queued_in_rest: u32 = rest.iter().map(|round| round.queued).sum();
    assert_eq!(first.queued + queued_in_rest, 16);
    // Six pages, one refusal, and no page listed twice.
    assert_eq!(record.list_calls(), 7);
    assert_eq!(queued(store, &claim).await, keys(successes));
    let position =
        FeedPosition::decode(&store.feed_position(&claim).await.unwrap().unwrap()).unwrap();
    assert!(!position.walking());
    assert_eq!(position.floor_ms(), Some(1_000_000 + 22 * MINUTE));
}

/// Replicas walking one claim at once, on one store, queue each success
/// once.
pub async fn replicas_queue_nothing_twice<S: Feeds + Actions>(store: &S) {
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first().with_page_size(2);
    let successes = attempts(&record, &claim, "r-", 1_000_000, 21);
    let terms = terms(3);
    for _ in 0..10 {
        let rounds = join_all((0..4).map(|_| feed_round(store, &record, &claim, &terms))).await;
        for round in rounds {
            round.expect("a replica's round failed");
        }
    }
    let position =
        FeedPosition::decode(&store.feed_position(&claim).await.unwrap().unwrap()).unwrap();
    assert!(
        !position.walking(),
        "ten rounds of four replicas never finished"
    );
    let keys_queued = queued(store, &claim).await;
    let unique: BTreeSet<&String> = keys_queued.iter().collect();
    assert_eq!(unique.len(), keys_queued.len(), "{keys_queued:?}");
    assert_eq!(keys_queued, keys(successes));
}

/// An attempt the platform records late, with a time a little older than
/// the newest one listed before, is found within the lookback; those
/// listed again within it are not queued again.
pub async fn late_attempts_within_the_lookback<S: Feeds + Actions>(store: &S) {
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first().with_page_size(5);
    let successes = attempts(&record, &claim, "l-", 1_000_000, 12);
    until_finished(store, &record, &claim, &terms(100)).await;
    assert_eq!(queued(store, &claim).await, keys(successes));
    // 30 s before the newest success (within the minute of lookback).
    record.attempt(&claim, "late", true, 1_000_000 + 10 * MINUTE - 30_000);
    for _ in 0..3 {
        let round = feed_round(store, &record, &claim, &terms(100))
            .await
            .unwrap();
        assert!(round.finished, "{round:?}");
    }
    assert_eq!(queued(store, &claim).await, keys(["late".to_owned()]));
}

/// A position survives a restart: the feed goes on, queuing nothing twice.
pub async fn durability<B>(backend: &B)
where
    B: Backend,
    B::Store: Feeds + Actions,
{
    let claim = id("claim");
    let record = ScriptedRecord::new().newest_first().with_page_size(3);
    let successes = attempts(&record, &claim, "d-", 1_000_000, 15);
    let store = backend.open().await;
    let first = feed_round(&store, &record, &claim, &terms(2))
        .await
        .unwrap();
    assert!(first.more(), "{first:?}");
    let before = store.feed_position(&claim).await.unwrap();
    let Some(store) = backend.reopen(store).await else {
        return;
    };
    assert_eq!(store.feed_position(&claim).await.unwrap(), before);
    let rest = until_finished(&store, &record, &claim, &terms(2)).await;
    let queued_in_rest: u32 = rest.iter().map(|round| round.queued).sum();
    assert_eq!(first.queued + queued_in_rest, successes.len() as u32);
    assert_eq!(queued(&store, &claim).await, keys(successes));
    let again = feed_round(&store, &record, &claim, &terms(2))
        .await
        .unwrap();
    assert_eq!(again.queued, 0);
}
