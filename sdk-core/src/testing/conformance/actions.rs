//! The conformance checks of the action queue ([`Actions`]): every backend
//! that has one runs them, beside [`conformance::run`](super::run).
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
//! futures_executor::block_on(async {
//!     conformance::run(&Memory).await;
//!     conformance::actions::run(&Memory).await;
//! });
//! ```
//!
//! The checks that wait (lease expiry, backoff, the horizon, retention) use
//! durations of a second or two, and run concurrently. None races the
//! clock: what must have happened is checked after waiting past its time,
//! which a loaded machine only makes longer; what must still hold is given
//! a minute; an age read from the store is bounded by what the check
//! measured itself.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::fixtures::{id, WIDE};
use super::Backend;
use crate::store::{ActionTerms, Actions, DueAction, Lease, Next, Purge};

/// Long enough to hold through any check.
const LONG: Duration = Duration::from_secs(3600);
/// The short times of the checks that wait.
const SHORT: Duration = Duration::from_millis(1200);
/// A margin past a short time, for the store's clock to have passed it.
const MARGIN: Duration = Duration::from_millis(600);
/// The coarsest tick of a store's clock (a millisecond) and then some: an
/// age read from the store may exceed what this machine measured by it.
const GRAIN: Duration = Duration::from_millis(20);

fn long_terms() -> ActionTerms {
    ActionTerms {
        lease: LONG,
        first_retry: LONG,
        max_delay: LONG,
        give_up: 100 * LONG,
        retention: LONG,
        dead_retention: LONG,
    }
}

/// Every due action (each check has a store of its own, so they are the
/// check's own).
async fn take<S: Actions>(store: &S, terms: &ActionTerms) -> Vec<DueAction> {
    store.take_due(100, terms).await.expect("take_due failed")
}

/// Asserts that `age`, read from the store, is no more than this machine
/// measured since `since`, taken before the store began counting it.
#[track_caller]
fn at_most(age: Duration, since: Instant, what: &str) {
    let measured = since.elapsed();
    assert!(
        age <= measured + GRAIN,
        "{what}: {age:?}, more than the {measured:?} that passed"
    );
}

fn only<'a>(taken: &'a [DueAction], key: &str, what: &str) -> &'a DueAction {
    let found: Vec<&DueAction> = taken.iter().filter(|a| a.key == key).collect();
    assert_eq!(found.len(), 1, "{what}: {taken:?}");
    found[0]
}

/// Runs every action-queue check, each on a store of its own.
pub async fn run<B>(backend: &B)
where
    B: Backend,
    B::Store: Actions + Purge,
{
    idempotent_enqueue(&backend.open().await).await;
    one_runner_at_a_time(&backend.open().await).await;
    fencing(&backend.open().await).await;
    retry_of_a_dead_action(&backend.open().await).await;
    let (a, b, c, d) = (
        backend.open().await,
        backend.open().await,
        backend.open().await,
        backend.open().await,
    );
    futures_util::future::join4(
        lease_expiry(backend, &a),
        backoff_schedule(backend, &b),
        dead_after_the_horizon(backend, &c),
        done_actions_are_forgotten(backend, &d),
    )
    .await;
    a_purge_forgets_only_what_expired(backend, &backend.open().await).await;
    durability(backend).await;
}

/// Enqueuing is idempotent by key, concurrently and in every state.
pub async fn idempotent_enqueue<S: Actions>(store: &S) {
    let terms = long_terms();
    let key = id("action");
    let enqueued = join_all((0..20).map(|_| store.enqueue(&key, "{}"))).await;
    let new = enqueued
        .into_iter()
        .map(|e| e.expect("enqueue failed"))
        .filter(|new| *new)
        .count();
    assert_eq!(new, 1, "concurrent enqueues of one key added {new}");
    let taken = take(store, &terms).await;
    let action = only(&taken, &key, "one action for one key");
    assert_eq!(action.attempt, 1, "a first try is try 1");
    assert_eq!(action.payload, "{}");
    assert!(
        !store.enqueue(&key, "{}").await.unwrap(),
        "a running action was enqueued again"
    );
    assert!(store.succeed(&key, &action.lease, &terms).await.unwrap());
    assert!(
        !store.enqueue(&key, "{}").await.unwrap(),
        "a done action was enqueued again"
    );
    assert!(
        take(store, &terms).await.is_empty(),
        "a done action is due again"
    );
    assert!(store.dead(100).await.unwrap().is_empty());
}

/// Of concurrent runners, each due action goes to exactly one; a running
/// action is not due.
pub async fn one_runner_at_a_time<S: Actions>(store: &S) {
    let terms = long_terms();
    let keys: Vec<String> = (0..10).map(|i| format!("{}-{i}", id("action"))).collect();
    for key in &keys {
        assert!(store.enqueue(key, key).await.unwrap());
    }
    let taken = join_all((0..20).map(|_| store.take_due(1, &terms))).await;
    let taken: Vec<DueAction> = taken
        .into_iter()
        .flat_map(|t| t.expect("take_due failed"))
        .collect();
    let mut keys_taken: Vec<&str> = taken.iter().map(|a| a.key.as_str()).collect();
    keys_taken.sort_unstable();
    let mut expected: Vec<&str> = keys.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(
        keys_taken, expected,
        "each action to exactly one of 20 concurrent runners"
    );
    for action in &taken {
        assert_eq!(action.payload, action.key, "the payload as enqueued");
    }
    assert!(
        take(store, &terms).await.is_empty(),
        "a running action under an unexpired lease was taken again"
    );
    let leases: BTreeSet<&str> = taken.iter().map(|a| a.lease.token()).collect();
    assert_eq!(leases.len(), taken.len(), "two tries share a lease token");
}

/// Only the lease that runs an action can renew it or record its outcome.
pub async fn fencing<S: Actions>(store: &S) {
    let terms = long_terms();
    let key = id("action");
    assert!(
        !store.succeed(&key, &Lease::new("x"), &terms).await.unwrap(),
        "an unknown action succeeded"
    );
    store.enqueue(&key, "{}").await.unwrap();
    let stranger = Lease::new("not-the-holder");
    assert!(
        !store.succeed(&key, &stranger, &terms).await.unwrap(),
        "a pending action succeeded without a lease"
    );
    let taken = take(store, &terms).await;
    let action = only(&taken, &key, "a pending action is due");
    assert!(!store.renew(&key, &stranger, &terms).await.unwrap());
    assert!(!store.succeed(&key, &stranger, &terms).await.unwrap());
    assert!(!store
        .fail(&key, &stranger, Next::GiveUp, "x", &terms)
        .await
        .unwrap());
    assert!(store.renew(&key, &action.lease, &terms).await.unwrap());
    assert!(store
        .fail(
            &key,
            &action.lease,
            Next::Retry(Duration::ZERO),
            "boom",
            &terms
        )
        .await
        .unwrap());
    assert!(
        !store.succeed(&key, &action.lease, &terms).await.unwrap(),
        "a failed try's lease recorded a success"
    );
    let taken = take(store, &terms).await;
    let again = only(&taken, &key, "a retry due now is due");
    assert_eq!(again.attempt, 2, "the second try is try 2");
    assert_ne!(again.lease, action.lease, "a new try has a new lease");
    assert!(!store.renew(&key, &action.lease, &terms).await.unwrap());
    assert!(store.succeed(&key, &again.lease, &terms).await.unwrap());
    assert!(
        !store.succeed(&key, &again.lease, &terms).await.unwrap(),
        "succeeded twice"
    );
}

/// A running action whose lease expired is due again (its runner
/// crashed), under a new lease; a renewed lease holds past the lease it
/// replaced.
pub async fn lease_expiry<B: Backend>(backend: &B, store: &B::Store)
where
    B::Store: Actions,
{
    let terms = ActionTerms {
        lease: SHORT,
        ..long_terms()
    };
    let (crashed, renewed) = (id("action"), id("action"));
    store.enqueue(&crashed, "{}").await.unwrap();
    store.enqueue(&renewed, "{}").await.unwrap();
    let taken = take(store, &terms).await;
    let stale = only(&taken, &crashed, "due").clone();
    let held = only(&taken, &renewed, "due").clone();
    // Both leases were given by one take, so they end together; the
    // renewal moves one end far past anything this check waits for.
    let renewal = ActionTerms {
        lease: WIDE,
        ..long_terms()
    };
    assert!(store.renew(&renewed, &held.lease, &renewal).await.unwrap());
    backend.sleep(SHORT + MARGIN).await;
    // The crashed runner's lease has lapsed; the renewed one holds.
    let taken = take(store, &terms).await;
    let again = only(&taken, &crashed, "an expired lease is due again");
    assert!(
        taken.iter().all(|a| a.key != renewed),
        "a renewed lease was taken over"
    );
    assert_eq!(again.attempt, 2, "a crashed try counts");
    assert_ne!(again.lease, stale.lease);
    assert!(
        !store.succeed(&crashed, &stale.lease, &terms).await.unwrap(),
        "a stale runner recorded a success over its successor"
    );
    assert!(!store
        .fail(&crashed, &stale.lease, Next::GiveUp, "x", &terms)
        .await
        .unwrap());
    assert!(store.succeed(&crashed, &again.lease, &terms).await.unwrap());
    assert!(store.succeed(&renewed, &held.lease, &terms).await.unwrap());
}

/// A failed action is due again after the delay it was given, not before,
/// and its age grows from when it was enqueued.
pub async fn backoff_schedule<B: Backend>(backend: &B, store: &B::Store)
where
    B::Store: Actions,
{
    let terms = long_terms();
    let (soon, later) = (id("action"), id("action"));
    let enqueued = Instant::now();
    store.enqueue(&soon, "{}").await.unwrap();
    store.enqueue(&later, "{}").await.unwrap();
    let taken = take(store, &terms).await;
    let first = only(&taken, &soon, "due");
    at_most(first.age, enqueued, "a new action's age");
    let other = only(&taken, &later, "due");
    assert!(store
        .fail(&later, &other.lease, Next::Retry(WIDE), "boom", &terms)
        .await
        .unwrap());
    assert!(
        take(store, &terms).await.is_empty(),
        "a retry was due before its delay"
    );
    assert!(store
        .fail(&soon, &first.lease, Next::Retry(SHORT), "boom", &terms)
        .await
        .unwrap());
    backend.sleep(SHORT + MARGIN).await;
    let taken = take(store, &terms).await;
    let second = only(&taken, &soon, "a retry is due after its delay");
    assert_eq!(second.attempt, 2);
    assert!(
        second.age >= SHORT,
        "the age counts from the enqueue: {:?}",
        second.age
    );
    assert!(
        taken.iter().all(|a| a.key != later),
        "a retry was due before its delay"
    );
    assert!(store.succeed(&soon, &second.lease, &terms).await.unwrap());
}

/// Past the give-up horizon, an action is dead: listed with its tries and
/// last error, never due.
pub async fn dead_after_the_horizon<B: Backend>(backend: &B, store: &B::Store)
where
    B::Store: Actions,
{
    let terms = ActionTerms {
        first_retry: Duration::from_millis(100),
        max_delay: Duration::from_millis(100),
        give_up: SHORT,
        ..long_terms()
    };
    let key = id("action");
    let enqueued = Instant::now();
    store.enqueue(&key, r#"{"n":1}"#).await.unwrap();
    let taken = take(store, &terms).await;
    let first = only(&taken, &key, "due");
    at_most(first.age, enqueued, "a new action's age");
    // Retried at once: how soon the horizon comes is the second try's
    // question, asked at an age this check has waited for.
    assert!(store
        .fail(
            &key,
            &first.lease,
            Next::Retry(terms.first_retry),
            "sink answered 500",
            &terms
        )
        .await
        .unwrap());
    backend.sleep(SHORT + MARGIN).await;
    let taken = take(store, &terms).await;
    let last = only(&taken, &key, "a retry is due");
    let next = terms.after_failure(last.attempt, last.age);
    assert_eq!(next, Next::GiveUp, "past the horizon at age {:?}", last.age);
    assert!(store
        .fail(&key, &last.lease, next, "sink answered 503", &terms)
        .await
        .unwrap());
    let dead = store.dead(100).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].key, key);
    assert_eq!(dead[0].payload, r#"{"n":1}"#);
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(dead[0].last_error, "sink answered 503");
    assert!(take(store, &terms).await.is_empty(), "a dead action is due");
    assert!(
        !store.enqueue(&key, "{}").await.unwrap(),
        "a dead action was enqueued again"
    );
}

/// A dead action retried by hand is due now, its tries counted from 1; a
/// key that is not dead is not retried.
pub async fn retry_of_a_dead_action<S: Actions>(store: &S) {
    let terms = long_terms();
    let key = id("action");
    assert!(!store.retry(&key).await.unwrap(), "an unknown key retried");
    store.enqueue(&key, "{}").await.unwrap();
    assert!(!store.retry(&key).await.unwrap(), "a pending key retried");
    let taken = take(store, &terms).await;
    let action = only(&taken, &key, "due");
    assert!(store
        .fail(&key, &action.lease, Next::GiveUp, "gave up", &terms)
        .await
        .unwrap());
    assert_eq!(store.dead(100).await.unwrap().len(), 1);
    let retried = Instant::now();
    assert!(store.retry(&key).await.unwrap());
    assert!(!store.retry(&key).await.unwrap(), "retried twice");
    assert!(store.dead(100).await.unwrap().is_empty());
    let taken = take(store, &terms).await;
    let again = only(&taken, &key, "a retried dead action is due");
    assert_eq!(again.attempt, 1, "tries count from 1 again");
    at_most(again.age, retried, "a fresh horizon");
    assert!(store.succeed(&key, &again.lease, &terms).await.unwrap());
}

/// Done and dead actions are remembered for their retention, and
/// forgotten after it.
pub async fn done_actions_are_forgotten<B: Backend>(backend: &B, store: &B::Store)
where
    B::Store: Actions,
{
    let briefly = ActionTerms {
        retention: SHORT,
        dead_retention: SHORT,
        ..long_terms()
    };
    let kept = ActionTerms {
        retention: WIDE,
        dead_retention: WIDE,
        ..long_terms()
    };
    let (done, dead) = (id("action"), id("action"));
    let (done_kept, dead_kept) = (id("action"), id("action"));
    for key in [&done, &dead, &done_kept, &dead_kept] {
        store.enqueue(key, "{}").await.unwrap();
    }
    let taken = take(store, &briefly).await;
    for (key, terms) in [(&done, &briefly), (&done_kept, &kept)] {
        assert!(store
            .succeed(key, &only(&taken, key, "due").lease, terms)
            .await
            .unwrap());
    }
    for (key, terms) in [(&dead, &briefly), (&dead_kept, &kept)] {
        assert!(store
            .fail(
                key,
                &only(&taken, key, "due").lease,
                Next::GiveUp,
                "x",
                terms
            )
            .await
            .unwrap());
    }
    assert!(!store.enqueue(&done_kept, "{}").await.unwrap());
    backend.sleep(SHORT + MARGIN).await;
    let listed: Vec<String> = store
        .dead(100)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(
        listed,
        [dead_kept],
        "a dead action outlived its retention, or was forgotten within it"
    );
    assert!(
        store.enqueue(&done, "{}").await.unwrap(),
        "a done action outlived its retention"
    );
    assert!(
        !store.enqueue(&done_kept, "{}").await.unwrap(),
        "a done action was forgotten within its retention"
    );
}

/// A purge ([`Purge`]) forgets done and dead actions past their retention,
/// says how many, and keeps what has not expired.
pub async fn a_purge_forgets_only_what_expired<B: Backend>(backend: &B, store: &B::Store)
where
    B::Store: Actions + Purge,
{
    let briefly = ActionTerms {
        retention: SHORT,
        dead_retention: SHORT,
        ..long_terms()
    };
    let kept = ActionTerms {
        retention: WIDE,
        ..long_terms()
    };
    let (done, dead, done_kept) = (id("action"), id("action"), id("action"));
    for key in [&done, &dead, &done_kept] {
        store.enqueue(key, "{}").await.unwrap();
    }
    let taken = take(store, &briefly).await;
    for (key, terms) in [(&done, &briefly), (&done_kept, &kept)] {
        assert!(store
            .succeed(key, &only(&taken, key, "due").lease, terms)
            .await
            .unwrap());
    }
    let lease = &only(&taken, &dead, "due").lease;
    assert!(store
        .fail(&dead, lease, Next::GiveUp, "x", &briefly)
        .await
        .unwrap());
    backend.sleep(SHORT + MARGIN).await;
    let forgotten = store.purge(1000).await.expect("purge failed");
    assert!(
        forgotten >= 2,
        "a purge forgot {forgotten} entries, not the done and the dead action past their retention"
    );
    assert!(
        store.dead(100).await.unwrap().is_empty(),
        "a purged dead action is still listed"
    );
    assert!(
        !store.enqueue(&done_kept, "{}").await.unwrap(),
        "a purge forgot a done action within its retention"
    );
    assert!(store.enqueue(&done, "{}").await.unwrap());
}

/// A store opened again after a restart keeps pending, running, done and
/// dead actions.
pub async fn durability<B>(backend: &B)
where
    B: Backend,
    B::Store: Actions,
{
    let terms = long_terms();
    let store = backend.open().await;
    let (pending, running, done, dead) = (id("pending"), id("running"), id("done"), id("dead"));
    for key in [&running, &done, &dead] {
        store.enqueue(key, key).await.unwrap();
    }
    let taken = take(&store, &terms).await;
    assert!(store
        .succeed(&done, &only(&taken, &done, "due").lease, &terms)
        .await
        .unwrap());
    assert!(store
        .fail(
            &dead,
            &only(&taken, &dead, "due").lease,
            Next::GiveUp,
            "gave up",
            &terms
        )
        .await
        .unwrap());
    let running_lease = only(&taken, &running, "due").lease.clone();
    store.enqueue(&pending, &pending).await.unwrap();

    let Some(store) = backend.reopen(store).await else {
        return;
    };
    let taken = take(&store, &terms).await;
    let action = only(&taken, &pending, "a pending action survives a restart");
    assert_eq!(action.payload, pending);
    assert_eq!(taken.len(), 1, "only the pending action is due: {taken:?}");
    for key in [&pending, &running, &done, &dead] {
        assert!(
            !store.enqueue(key, "{}").await.unwrap(),
            "{key} was forgotten"
        );
    }
    assert!(store
        .succeed(&running, &running_lease, &terms)
        .await
        .unwrap());
    let listed = store.dead(100).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].key, dead);
    assert_eq!(listed[0].last_error, "gave up");
}
