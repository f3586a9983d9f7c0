//! The conformance suite every store backend passes: memory, SQLite,
//! PostgreSQL, Redis, and yours.
//!
//! A backend implements [`Backend`] (how to open a fresh store, reopen it,
//! and wait), then calls [`run`] from one test, on any async runtime:
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
//!         None // keeps nothing across a restart
//!     }
//!     async fn sleep(&self, duration: Duration) {
//!         std::thread::sleep(duration)
//!     }
//! }
//!
//! futures_executor::block_on(conformance::run(&Memory));
//! ```
//!
//! Each check panics with a message naming what the store got wrong. Each
//! uses claim ids and keys of its own, so one store may serve them all.
//! The expiry check waits a few seconds, and never races the clock: what
//! must have expired is checked after waiting past its time, which a
//! loaded machine only makes longer, and what must still hold is given a
//! minute.
//!
//! A backend with an action queue ([`Actions`](crate::store::Actions)) runs
//! [`actions::run`] too, from a test of its own, [`reconcile::run`]
//! (reconciliation over its numbers and queue), one that keeps feed
//! positions ([`Feeds`](crate::store::Feeds)) runs [`feeds::run`], and one
//! that can be inspected ([`Inspect`](crate::store::Inspect)) runs
//! [`inspect::run`]: every backend of this project runs all five.

pub mod actions;
pub mod feeds;
pub mod inspect;
pub mod reconcile;
pub mod simulation_holds;

mod backend;
mod fixtures;

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::future::join_all;

pub use backend::Backend;
use fixtures::{id, pool, terms, LONG, SHORT, WIDE};

use crate::store::{Begun, ClaimNumbers, ClaimPool, ClaimTokens, Deliveries, Lease};
use crate::ErrorKind;

/// Runs every check, each on a store of its own.
pub async fn run<B: Backend>(backend: &B) {
    concurrent_reservations(&backend.open().await).await;
    concurrent_retries_and_the_bound(&backend.open().await).await;
    retried_attempts_keep_their_number(&backend.open().await).await;
    failure_releases_and_success_confirms(&backend.open().await).await;
    claims_number_on_their_own(&backend.open().await).await;
    the_bound(&backend.open().await).await;
    tokens(&backend.open().await).await;
    simulation_holds::run(&backend.open().await).await;
    delivery_leases(&backend.open().await).await;
    expiry(backend, &backend.open().await).await;
    durability(backend).await;
}

/// 200 concurrent reservations on one claim get exactly `0..200`.
pub async fn concurrent_reservations<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let attempts: Vec<String> = (0..200).map(|i| format!("attempt-{i}")).collect();
    let pool = pool(&claim, None);
    let numbers = join_all(attempts.iter().map(|a| store.reserve(&pool, a))).await;
    let numbers: Vec<u64> = numbers
        .into_iter()
        .map(|n| n.expect("a concurrent reservation failed"))
        .collect();
    let unique: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(
        unique.len(),
        200,
        "two attempts got the same number: {numbers:?}"
    );
    assert_eq!(unique, (0..200).collect(), "numbers are not exactly 0..200");
    // Retried concurrently, every attempt gets its own number back.
    let again = join_all(attempts.iter().map(|a| store.reserve(&pool, a))).await;
    let again: Vec<u64> = again.into_iter().map(Result::unwrap).collect();
    assert_eq!(again, numbers, "a retried attempt got another number");
}

/// Reservations arriving together (as one batch, where a store makes them
/// together): an attempt sent twice gets one number, and the bound stops
/// exactly the reservations past it.
pub async fn concurrent_retries_and_the_bound<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let bounded = pool(&claim, Some(3));
    let attempts = ["a", "b", "a", "c", "d", "b", "e"];
    let answers = join_all(attempts.iter().map(|a| store.reserve(&bounded, a))).await;
    let mut numbers = std::collections::BTreeMap::new();
    let mut exhausted = BTreeSet::new();
    for (attempt, answer) in attempts.iter().zip(answers) {
        match answer {
            Ok(number) => {
                let first = *numbers.entry(*attempt).or_insert(number);
                assert_eq!(first, number, "attempt {attempt} got two numbers");
            }
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::Exhausted, "{err}");
                exhausted.insert(*attempt);
            }
        }
    }
    let taken: BTreeSet<u64> = numbers.values().copied().collect();
    assert_eq!(taken, (0..3).collect(), "numbers: {numbers:?}");
    assert_eq!(numbers.len(), 3, "numbers: {numbers:?}");
    assert_eq!(exhausted.len(), 2, "exhausted: {exhausted:?}");
    assert!(
        numbers.keys().all(|attempt| !exhausted.contains(attempt)),
        "an attempt both got a number and was refused: {numbers:?} {exhausted:?}"
    );
}

/// A retried attempt gets its number back, confirmed or not.
pub async fn retried_attempts_keep_their_number<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let pool = pool(&claim, None);
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, "b").await.unwrap(), 1);
    assert_eq!(
        store.reserve(&pool, "a").await.unwrap(),
        0,
        "retry before confirming"
    );
    store.confirm(&claim, "a").await.unwrap();
    store.confirm(&claim, "a").await.unwrap();
    assert_eq!(
        store.reserve(&pool, "a").await.unwrap(),
        0,
        "retry after confirming"
    );
    assert_eq!(store.preview(&pool).await.unwrap(), 2);
}

/// A failure releases the number for the next attempt; a success keeps it
/// for good; a late failure of a confirmed attempt frees nothing.
pub async fn failure_releases_and_success_confirms<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let pool = pool(&claim, None);
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, "b").await.unwrap(), 1);
    assert_eq!(store.reserve(&pool, "c").await.unwrap(), 2);
    store.release(&claim, "b").await.unwrap();
    store.release(&claim, "b").await.unwrap();
    assert_eq!(
        store.preview(&pool).await.unwrap(),
        1,
        "a released number is free"
    );
    assert_eq!(store.reserve(&pool, "d").await.unwrap(), 1);
    store.confirm(&claim, "a").await.unwrap();
    store.release(&claim, "a").await.unwrap();
    store.release(&claim, "unknown").await.unwrap();
    store.confirm(&claim, "unknown").await.unwrap();
    assert_eq!(
        store.preview(&pool).await.unwrap(),
        3,
        "a confirmed number was freed"
    );
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    // The lowest free number, wherever the gap is.
    store.release(&claim, "c").await.unwrap();
    store.release(&claim, "d").await.unwrap();
    assert_eq!(store.reserve(&pool, "e").await.unwrap(), 1);
    assert_eq!(store.reserve(&pool, "f").await.unwrap(), 2);
    assert_eq!(store.reserve(&pool, "g").await.unwrap(), 3);
}

/// Every claim numbers from 0 on its own, even with the same attempt ids.
pub async fn claims_number_on_their_own<S: ClaimNumbers>(store: &S) {
    let (x, y) = (id("claim-x"), id("claim-y"));
    assert_eq!(store.reserve(&pool(&x, None), "a").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool(&x, None), "b").await.unwrap(), 1);
    assert_eq!(store.preview(&pool(&y, None)).await.unwrap(), 0);
    assert_eq!(store.reserve(&pool(&y, None), "c").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool(&y, None), "a").await.unwrap(), 1);
    store.release(&y, "c").await.unwrap();
    assert_eq!(
        store.preview(&pool(&x, None)).await.unwrap(),
        2,
        "another claim's release"
    );
}

/// No number at or above the bound: `Exhausted` once every number below it
/// is taken, for reservations and previews alike.
pub async fn the_bound<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let bounded = pool(&claim, Some(3));
    for (attempt, expected) in [("a", 0), ("b", 1), ("c", 2)] {
        assert_eq!(store.reserve(&bounded, attempt).await.unwrap(), expected);
    }
    let err = store.reserve(&bounded, "d").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exhausted, "{err}");
    assert_eq!(err.status(), 409);
    assert_eq!(
        store.preview(&bounded).await.unwrap_err().kind(),
        ErrorKind::Exhausted
    );
    assert_eq!(
        store.reserve(&bounded, "b").await.unwrap(),
        1,
        "a holder still gets its number"
    );
    store.release(&claim, "b").await.unwrap();
    assert_eq!(store.reserve(&bounded, "d").await.unwrap(), 1);
    let zero = pool(&claim, Some(0));
    assert_eq!(
        store.reserve(&zero, "e").await.unwrap_err().kind(),
        ErrorKind::Exhausted
    );
}

/// One token per attempt, the same on every retry, concurrent or not.
pub async fn tokens<S: ClaimTokens>(store: &S) {
    let attempt = id("attempt");
    let tokens = join_all((0..20).map(|_| store.issue(&attempt, LONG))).await;
    let tokens: BTreeSet<String> = tokens.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        tokens.len(),
        1,
        "one attempt got several tokens: {tokens:?}"
    );
    let token = tokens.into_iter().next().unwrap();
    assert!(!token.is_empty() && !token.contains('.') && !token.starts_with('$'));
    assert_eq!(store.issue(&attempt, LONG).await.unwrap(), token);
    let other = store.issue(&id("attempt"), LONG).await.unwrap();
    assert_ne!(other, token, "two attempts got the same token");
}

/// Deliveries: new, in flight, done; a concurrent duplicate; fencing.
pub async fn delivery_leases<S: Deliveries>(store: &S) {
    let long = terms(LONG, LONG);
    let key = id("delivery");
    let begun = join_all((0..20).map(|_| store.begin(&key, &long))).await;
    let begun: Vec<Begun> = begun.into_iter().map(Result::unwrap).collect();
    let leases: Vec<&Lease> = begun
        .iter()
        .filter_map(|b| match b {
            Begun::Leased(lease) => Some(lease),
            _ => None,
        })
        .collect();
    assert_eq!(leases.len(), 1, "concurrent first deliveries: {begun:?}");
    assert!(
        begun.iter().filter(|b| **b == Begun::InFlight).count() == 19,
        "the duplicates are in flight, not done: {begun:?}"
    );
    let lease = leases[0].clone();
    let stranger = Lease::new("not-the-holder");
    assert!(!store.complete(&key, &stranger, &long).await.unwrap());
    assert!(!store.abandon(&key, &stranger).await.unwrap());
    assert_eq!(store.begin(&key, &long).await.unwrap(), Begun::InFlight);
    assert!(store.complete(&key, &lease, &long).await.unwrap());
    assert_eq!(store.begin(&key, &long).await.unwrap(), Begun::Done);
    assert!(
        !store.abandon(&key, &lease).await.unwrap(),
        "a done delivery was abandoned"
    );
    assert_eq!(store.begin(&key, &long).await.unwrap(), Begun::Done);

    let failed = id("delivery");
    let Begun::Leased(lease) = store.begin(&failed, &long).await.unwrap() else {
        panic!("a new delivery was not leased");
    };
    assert!(store.abandon(&failed, &lease).await.unwrap());
    assert!(
        !store.abandon(&failed, &lease).await.unwrap(),
        "abandoned twice"
    );
    let Begun::Leased(again) = store.begin(&failed, &long).await.unwrap() else {
        panic!("an abandoned delivery was not leased again");
    };
    assert_ne!(again, lease, "a new lease has a new token");
    assert!(
        !store.complete(&failed, &lease, &long).await.unwrap(),
        "an old token completed"
    );
    assert!(store.complete(&failed, &again, &long).await.unwrap());
}

/// Reservations, tokens, leases and done deliveries expire by the store's
/// clock, and hold until then; a stale holder cannot touch its successor's
/// lease.
pub async fn expiry<B: Backend>(backend: &B, store: &B::Store) {
    let claim = id("claim");
    let hold = |hold| ClaimPool {
        claim_id: &claim,
        limit: None,
        hold,
    };
    assert_eq!(store.reserve(&hold(SHORT), "a").await.unwrap(), 0);
    assert_eq!(store.reserve(&hold(LONG), "b").await.unwrap(), 1);
    assert_eq!(store.reserve(&hold(WIDE), "w").await.unwrap(), 2);
    let held = id("claim");
    let simulation = |hold| ClaimPool {
        claim_id: &held,
        limit: None,
        hold,
    };
    let (lapsing, kept) = ("simulation:bb1lapsing", "simulation:bb1kept");
    assert_eq!(store.reserve(&simulation(SHORT), lapsing).await.unwrap(), 0);
    assert_eq!(store.reserve(&simulation(WIDE), kept).await.unwrap(), 1);
    let (attempt, kept_attempt) = (id("attempt"), id("attempt"));
    let token = store.issue(&attempt, SHORT).await.unwrap();
    let kept_token = store.issue(&kept_attempt, WIDE).await.unwrap();
    let (leased, kept_leased) = (id("delivery"), id("delivery"));
    let short_lease = terms(SHORT, LONG);
    let wide_lease = terms(WIDE, LONG);
    let Begun::Leased(stale) = store.begin(&leased, &short_lease).await.unwrap() else {
        panic!("a new delivery was not leased");
    };
    let Begun::Leased(_) = store.begin(&kept_leased, &wide_lease).await.unwrap() else {
        panic!("a new delivery was not leased");
    };
    let (done, kept_done) = (id("delivery"), id("delivery"));
    for (key, retention) in [(&done, SHORT), (&kept_done, WIDE)] {
        let briefly = terms(LONG, retention);
        let Begun::Leased(lease) = store.begin(key, &briefly).await.unwrap() else {
            panic!("a new delivery was not leased");
        };
        assert!(store.complete(key, &lease, &briefly).await.unwrap());
    }

    backend.sleep(SHORT + Duration::from_millis(600)).await;

    let pool = hold(LONG);
    assert_eq!(
        store.preview(&pool).await.unwrap(),
        0,
        "a reservation did not expire"
    );
    store.confirm(&claim, "a").await.unwrap();
    assert_eq!(
        store.reserve(&pool, "c").await.unwrap(),
        0,
        "an expired reservation was confirmed"
    );
    assert_eq!(
        store.reserve(&pool, "a").await.unwrap(),
        3,
        "an expired attempt kept its number"
    );
    assert_eq!(
        store.reserve(&pool, "w").await.unwrap(),
        2,
        "a reservation lost its number within its hold"
    );
    assert_eq!(
        store
            .take_over(&simulation(LONG), Some(lapsing), "late")
            .await
            .unwrap(),
        None,
        "a lapsed simulation hold was handed over"
    );
    assert_eq!(
        store
            .take_over(&simulation(LONG), Some(kept), "on-time")
            .await
            .unwrap(),
        Some(1),
        "a simulation hold lapsed within its time"
    );
    assert_eq!(
        store.preview(&simulation(LONG)).await.unwrap(),
        0,
        "a lapsed simulation hold still held its number"
    );
    assert_ne!(
        store.issue(&attempt, SHORT).await.unwrap(),
        token,
        "a token outlived its retention"
    );
    assert_eq!(
        store.issue(&kept_attempt, WIDE).await.unwrap(),
        kept_token,
        "a token changed within its retention"
    );
    assert_eq!(
        store.begin(&kept_leased, &wide_lease).await.unwrap(),
        Begun::InFlight,
        "a lease lapsed before its time"
    );
    let Begun::Leased(fresh) = store.begin(&leased, &wide_lease).await.unwrap() else {
        panic!("an expired lease did not free itself");
    };
    assert!(
        !store.abandon(&leased, &stale).await.unwrap(),
        "a stale holder freed a newer lease"
    );
    assert!(
        !store.complete(&leased, &stale, &short_lease).await.unwrap(),
        "a stale holder completed a newer lease"
    );
    assert_eq!(
        store.begin(&leased, &wide_lease).await.unwrap(),
        Begun::InFlight
    );
    assert!(store.complete(&leased, &fresh, &short_lease).await.unwrap());
    assert!(
        matches!(
            store.begin(&done, &terms(LONG, SHORT)).await.unwrap(),
            Begun::Leased(_)
        ),
        "a done delivery outlived its retention"
    );
    assert_eq!(
        store.begin(&kept_done, &terms(LONG, WIDE)).await.unwrap(),
        Begun::Done,
        "a done delivery was forgotten within its retention"
    );
}

/// A store opened again after a restart keeps every reservation,
/// simulation hold, confirmation, token and done delivery.
pub async fn durability<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let claim = id("claim");
    let pool = pool(&claim, None);
    assert_eq!(store.reserve(&pool, "confirmed").await.unwrap(), 0);
    store.confirm(&claim, "confirmed").await.unwrap();
    assert_eq!(store.reserve(&pool, "pending").await.unwrap(), 1);
    assert_eq!(store.reserve(&pool, "simulation:bb1held").await.unwrap(), 2);
    let token = store.issue("durable-attempt", LONG).await.unwrap();
    let long = terms(LONG, LONG);
    let Begun::Leased(lease) = store.begin("durable-delivery", &long).await.unwrap() else {
        panic!("a new delivery was not leased");
    };
    assert!(store
        .complete("durable-delivery", &lease, &long)
        .await
        .unwrap());
    let Begun::Leased(_) = store.begin("durable-in-flight", &long).await.unwrap() else {
        panic!("a new delivery was not leased");
    };

    let Some(store) = backend.reopen(store).await else {
        return;
    };
    assert_eq!(
        store.reserve(&pool, "new").await.unwrap(),
        3,
        "a number was handed out again after a restart"
    );
    assert_eq!(
        store
            .take_over(&pool, Some("simulation:bb1held"), "replayed")
            .await
            .unwrap(),
        Some(2),
        "a simulation hold was lost in a restart"
    );
    assert_eq!(store.reserve(&pool, "confirmed").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, "pending").await.unwrap(), 1);
    assert_eq!(store.issue("durable-attempt", LONG).await.unwrap(), token);
    assert_eq!(
        store.begin("durable-delivery", &long).await.unwrap(),
        Begun::Done
    );
    assert_eq!(
        store.begin("durable-in-flight", &long).await.unwrap(),
        Begun::InFlight
    );
}
