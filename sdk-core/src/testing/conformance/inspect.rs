//! The conformance checks of inspection ([`Inspect`]): every backend shows
//! exactly what it holds, by the same rules, and reading changes nothing.
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
//! futures_executor::block_on(conformance::inspect::run(&Memory));
//! ```
//!
//! One check waits past a short reservation; none races the clock: what
//! must have expired is read after waiting past its time, and a time read
//! from the store is only checked against a window of a minute.

use std::time::Duration;

use super::fixtures::{id, WIDE};
use super::Backend;
use crate::store::{
    inspect_attempt, ActionState, ActionTerms, Actions, AttemptQuery, ClaimNumbers, ClaimPool,
    ClaimTokens, Deliveries, DeliveryRecord, DeliveryTerms, Inspect, Next,
};

/// Long enough to hold through any check.
const LONG: Duration = Duration::from_secs(3600);
/// The short reservation of the expiry check.
const SHORT: Duration = Duration::from_millis(1200);
/// A margin past a short time, for the store's clock to have passed it.
const MARGIN: Duration = Duration::from_millis(600);

fn terms() -> ActionTerms {
    ActionTerms {
        lease: LONG,
        first_retry: LONG,
        max_delay: LONG,
        give_up: 100 * LONG,
        retention: LONG,
        dead_retention: LONG,
    }
}

/// `time` is within a minute below `full`: what a store shows of a time it
/// was given `full` of, a moment ago.
#[track_caller]
fn about(time: Duration, full: Duration, what: &str) {
    assert!(
        time <= full && time + WIDE > full,
        "{what}: {time:?} is not within a minute below {full:?}"
    );
}

/// Runs every inspection check, each on a store of its own.
pub async fn run<B>(backend: &B)
where
    B: Backend,
    B::Store: Inspect + Actions,
{
    claim_numbers(&backend.open().await).await;
    actions(&backend.open().await).await;
    tokens_and_deliveries(&backend.open().await).await;
    one_attempt(&backend.open().await).await;
    expired_reservations(backend, &backend.open().await).await;
    queue_depth_over_time(backend, &backend.open().await).await;
}

/// A claim's numbers: confirmed, held and free below a bound, listed
/// lowest first, and nothing of another claim.
pub async fn claim_numbers<S: ClaimNumbers + Inspect>(store: &S) {
    let claim = id("claim");
    let pool = ClaimPool {
        claim_id: &claim,
        limit: None,
        hold: LONG,
    };
    let unknown = store.claim_use(&claim, Some(5), 10).await.unwrap();
    assert_eq!(
        (
            unknown.confirmed,
            unknown.held,
            unknown.next,
            unknown.free()
        ),
        (0, 0, 0, Some(5)),
        "an unknown claim: {unknown:?}"
    );
    for attempt in ["a", "b", "c", "d"] {
        store.reserve(&pool, attempt).await.unwrap();
    }
    store.confirm(&claim, "a").await.unwrap();
    store.release(&claim, "c").await.unwrap();

    let used = store.claim_use(&claim, None, 10).await.unwrap();
    assert_eq!(
        (used.confirmed, used.held, used.next, used.released()),
        (1, 2, 4, 1),
        "confirmed, held, next, released: {used:?}"
    );
    assert_eq!(used.free(), None, "no bound, no end");
    let listed: Vec<(u64, &str, bool)> = used
        .numbers
        .iter()
        .map(|held| (held.number, held.attempt_id.as_str(), held.is_confirmed()))
        .collect();
    assert_eq!(listed, [(0, "a", true), (1, "b", false), (3, "d", false)]);
    about(
        used.numbers[1].expires_in.unwrap(),
        LONG,
        "a reservation's time",
    );

    let bounded = store.claim_use(&claim, Some(2), 10).await.unwrap();
    assert_eq!(
        (
            bounded.confirmed,
            bounded.held,
            bounded.free(),
            bounded.numbers.len()
        ),
        (1, 1, Some(0), 2),
        "below a bound of 2: {bounded:?}"
    );
    let wide = store.claim_use(&claim, Some(10), 1).await.unwrap();
    assert_eq!(
        (wide.confirmed, wide.held, wide.free(), wide.numbers.len()),
        (1, 2, Some(7), 1),
        "a limit shortens the list, not the counts: {wide:?}"
    );

    let b = store.held_number(&claim, "b").await.unwrap().unwrap();
    assert_eq!((b.number, b.is_confirmed()), (1, false));
    let a = store.held_number(&claim, "a").await.unwrap().unwrap();
    assert_eq!((a.number, a.is_confirmed()), (0, true));
    assert_eq!(
        store.held_number(&claim, "c").await.unwrap(),
        None,
        "released"
    );
    assert_eq!(store.held_number(&id("other"), "a").await.unwrap(), None);
    assert_eq!(
        store.lowest_free(&claim).await.unwrap(),
        2,
        "reading changed the claim"
    );
}

/// The queue in each state, with tries, last errors and times, and its
/// depth as a runner samples it.
pub async fn actions<S: Actions + Inspect>(store: &S) {
    let terms = terms();
    assert_eq!(store.action("unknown").await.unwrap(), None);
    for state in [
        ActionState::Pending,
        ActionState::Running,
        ActionState::Dead,
    ] {
        assert!(
            store.actions(state, 10).await.unwrap().is_empty(),
            "a fresh store"
        );
    }

    // Failed once, due in an hour.
    store.enqueue("later", r#"{"n":1}"#).await.unwrap();
    let taken = store.take_due(10, &terms).await.unwrap();
    assert_eq!(taken.len(), 1);
    store
        .fail(
            "later",
            &taken[0].lease,
            Next::Retry(LONG),
            "timed out",
            &terms,
        )
        .await
        .unwrap();
    // Given up.
    store.enqueue("gone", r#"{"n":2}"#).await.unwrap();
    let taken = store.take_due(10, &terms).await.unwrap();
    assert_eq!(taken.len(), 1);
    store
        .fail(
            "gone",
            &taken[0].lease,
            Next::GiveUp,
            "refused: 410",
            &terms,
        )
        .await
        .unwrap();
    // Due now, never tried.
    store.enqueue("now", r#"{"n":3}"#).await.unwrap();
    let depth = store.queue_depth().await.unwrap();
    assert_eq!(
        (depth.due, depth.waiting, depth.running, depth.dead),
        (1, 1, 0, 1),
        "due, waiting, running, dead: {depth:?}"
    );
    assert!(
        depth.oldest_due < WIDE,
        "due a moment ago: {:?}",
        depth.oldest_due
    );

    let pending = store.actions(ActionState::Pending, 10).await.unwrap();
    let keys: Vec<&str> = pending.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["now", "later"], "the due first");
    assert!(pending[0].is_due() && !pending[1].is_due(), "{pending:?}");
    assert_eq!(pending[0].last_error, None);
    assert_eq!(pending[0].attempts, 0);
    assert_eq!(pending[1].last_error.as_deref(), Some("timed out"));
    assert_eq!(pending[1].attempts, 1);
    assert_eq!(pending[1].payload.as_deref(), Some(r#"{"n":1}"#));
    about(
        Duration::from_millis(pending[1].at_ms.try_into().unwrap()),
        LONG,
        "the time a retry is due",
    );
    assert_eq!(
        store.actions(ActionState::Pending, 1).await.unwrap().len(),
        1
    );

    let dead = store.actions(ActionState::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(
        (
            dead[0].key.as_str(),
            dead[0].attempts,
            dead[0].last_error.as_deref()
        ),
        ("gone", 1, Some("refused: 410"))
    );
    assert_eq!(dead[0].payload.as_deref(), Some(r#"{"n":2}"#));
    assert!(!dead[0].is_due());

    let taken = store.take_due(10, &terms).await.unwrap();
    assert_eq!(taken.len(), 1);
    let running = store.actions(ActionState::Running, 10).await.unwrap();
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!((running[0].key.as_str(), running[0].attempts), ("now", 1));
    assert!(!running[0].is_due(), "a lease of an hour");
    let depth = store.queue_depth().await.unwrap();
    assert_eq!(
        (depth.due, depth.waiting, depth.running, depth.dead),
        (0, 1, 1, 1),
        "one taken: {depth:?}"
    );
    assert_eq!(depth.oldest_due, Duration::ZERO, "none due");
    store.succeed("now", &taken[0].lease, &terms).await.unwrap();
    let done = store.action("now").await.unwrap().unwrap();
    assert_eq!((done.state, done.payload), (ActionState::Done, None));

    // A retry by hand starts the tries anew and keeps the last error.
    assert!(store.retry("gone").await.unwrap());
    let retried = store.action("gone").await.unwrap().unwrap();
    assert_eq!(
        (
            retried.state,
            retried.attempts,
            retried.last_error.as_deref()
        ),
        (ActionState::Pending, 0, Some("refused: 410"))
    );
    assert!(retried.is_due());
    assert!(store
        .actions(ActionState::Dead, 10)
        .await
        .unwrap()
        .is_empty());
    let depth = store.queue_depth().await.unwrap();
    assert_eq!(
        (depth.due, depth.waiting, depth.running, depth.dead),
        (1, 1, 0, 0),
        "done is not counted, the retried one is due: {depth:?}"
    );
    // Reading took nothing: both due actions are still there to take.
    let keys: Vec<String> = store
        .take_due(10, &terms)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect();
    assert_eq!(keys, ["gone"]);
}

/// A token and a delivery, with the time each is remembered.
pub async fn tokens_and_deliveries<S: ClaimTokens + Deliveries + Inspect>(store: &S) {
    let attempt = id("attempt");
    assert_eq!(store.token(&attempt).await.unwrap(), None);
    let token = store.issue(&attempt, LONG).await.unwrap();
    let kept = store.token(&attempt).await.unwrap().unwrap();
    assert_eq!(kept.token, token);
    about(kept.expires_in, LONG, "a token's time");

    let key = id("delivery");
    let terms = DeliveryTerms {
        lease: WIDE,
        retention: LONG,
    };
    assert_eq!(store.delivery(&key).await.unwrap(), None);
    let crate::store::Begun::Leased(lease) = store.begin(&key, &terms).await.unwrap() else {
        panic!("a new delivery was not leased");
    };
    match store.delivery(&key).await.unwrap() {
        Some(DeliveryRecord::InFlight { expires_in }) => about(expires_in, WIDE, "a lease"),
        other => panic!("in flight: {other:?}"),
    }
    store.complete(&key, &lease, &terms).await.unwrap();
    match store.delivery(&key).await.unwrap() {
        Some(DeliveryRecord::Done { expires_in }) => about(expires_in, LONG, "a retention"),
        other => panic!("done: {other:?}"),
    }
}

/// What one attempt left behind, by the core's keys.
pub async fn one_attempt<S: ClaimNumbers + ClaimTokens + Actions + Inspect>(store: &S) {
    let (claim, attempt) = (id("claim"), id("attempt"));
    let query = AttemptQuery {
        attempt_id: &attempt,
        claim_id: Some(&claim),
        instance_id: None,
    };
    assert!(inspect_attempt(store, &query).await.unwrap().is_empty());
    let pool = ClaimPool {
        claim_id: &claim,
        limit: None,
        hold: LONG,
    };
    store.reserve(&pool, &attempt).await.unwrap();
    store.confirm(&claim, &attempt).await.unwrap();
    let token = store.issue(&attempt, LONG).await.unwrap();
    store
        .enqueue(&format!("{attempt}:success"), "{}")
        .await
        .unwrap();
    let found = inspect_attempt(store, &query).await.unwrap();
    assert_eq!(
        found.number.map(|n| (n.number, n.expires_in)),
        Some((0, None))
    );
    assert_eq!(found.token.1.map(|t| t.token), Some(token));
    let actions: Vec<(&str, Option<ActionState>)> = found
        .actions
        .iter()
        .map(|(key, action)| (key.as_str(), action.as_ref().map(|a| a.state)))
        .collect();
    let (success, failure) = (format!("{attempt}:success"), format!("{attempt}:failure"));
    assert_eq!(
        actions,
        [
            (success.as_str(), Some(ActionState::Pending)),
            (failure.as_str(), None)
        ]
    );
    // Without its claim, no number; with another instance, nothing else.
    let other = AttemptQuery {
        claim_id: None,
        instance_id: Some("i2"),
        ..query
    };
    assert!(inspect_attempt(store, &other).await.unwrap().is_empty());
}

/// An expired reservation shows as free, and reading it frees nothing the
/// store would not count as free anyway.
pub async fn expired_reservations<B>(backend: &B, store: &B::Store)
where
    B: Backend,
    B::Store: Inspect,
{
    let claim = id("claim");
    let short = ClaimPool {
        claim_id: &claim,
        limit: None,
        hold: SHORT,
    };
    store.reserve(&short, "brief").await.unwrap();
    let long = ClaimPool {
        hold: LONG,
        ..short
    };
    store.reserve(&long, "kept").await.unwrap();
    backend.sleep(SHORT + MARGIN).await;
    let used = store.claim_use(&claim, None, 10).await.unwrap();
    assert_eq!(
        (used.confirmed, used.held, used.next, used.released()),
        (0, 1, 2, 1),
        "an expired reservation is free: {used:?}"
    );
    assert_eq!(store.held_number(&claim, "brief").await.unwrap(), None);
    let again = store.claim_use(&claim, None, 10).await.unwrap();
    assert_eq!(
        (again.held, again.next, again.numbers.len()),
        (used.held, used.next, used.numbers.len()),
        "reading twice reads the same"
    );
    assert_eq!(store.reserve(&long, "next").await.unwrap(), 0);
}

/// The oldest due action's wait grows with the store's clock, and a dead
/// action past its retention is no longer counted (even before a purge).
pub async fn queue_depth_over_time<B>(backend: &B, store: &B::Store)
where
    B: Backend,
    B::Store: Inspect + Actions,
{
    let brief = ActionTerms {
        dead_retention: SHORT,
        ..terms()
    };
    store.enqueue("gone", "{}").await.unwrap();
    let taken = store.take_due(10, &brief).await.unwrap();
    assert_eq!(taken.len(), 1);
    store
        .fail("gone", &taken[0].lease, Next::GiveUp, "refused", &brief)
        .await
        .unwrap();
    store.enqueue("old", "{}").await.unwrap();
    let depth = store.queue_depth().await.unwrap();
    assert_eq!((depth.due, depth.dead), (1, 1), "{depth:?}");
    backend.sleep(SHORT + MARGIN).await;
    let depth = store.queue_depth().await.unwrap();
    assert_eq!(
        (depth.due, depth.waiting, depth.running, depth.dead),
        (1, 0, 0, 0),
        "a dead action past its retention counts as forgotten: {depth:?}"
    );
    assert!(
        depth.oldest_due >= SHORT && depth.oldest_due < WIDE,
        "due for {:?} after a wait of {:?}",
        depth.oldest_due,
        SHORT + MARGIN
    );
}
