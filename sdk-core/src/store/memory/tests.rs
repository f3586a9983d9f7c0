//! The memory store by a clock the tests control.

use std::time::{Duration, Instant};

use super::store::MemoryStore;
use crate::store::{Begun, ClaimPool, DeliveryTerms};
use crate::ErrorKind;

const MINUTE: Duration = Duration::from_secs(60);

fn pool(limit: Option<u64>) -> ClaimPool<'static> {
    ClaimPool {
        claim_id: "c",
        limit,
        hold: MINUTE,
    }
}

#[test]
fn reservations_expire_into_the_free_set() {
    let store = MemoryStore::default();
    let t0 = Instant::now();
    assert_eq!(store.reserve_at(&pool(None), "a", t0).unwrap(), 0);
    assert_eq!(
        store.reserve_at(&pool(None), "b", t0 + MINUTE / 2).unwrap(),
        1
    );
    assert_eq!(
        store.lowest_free_at("c", t0 + MINUTE - Duration::from_secs(1)),
        2
    );
    assert_eq!(store.lowest_free_at("c", t0 + MINUTE), 0);
    assert_eq!(store.reserve_at(&pool(None), "c", t0 + MINUTE).unwrap(), 0);
    assert_eq!(store.reserve_at(&pool(None), "b", t0 + MINUTE).unwrap(), 1);
}

#[test]
fn a_full_store_is_unavailable_and_forgets_nothing() {
    let store = MemoryStore::with_capacity(2);
    let now = Instant::now();
    store.reserve_at(&pool(None), "a", now).unwrap();
    store.issue_at("t", MINUTE, now).unwrap();
    let err = store.reserve_at(&pool(None), "b", now).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.status(), 503);
    assert_eq!(
        store.reserve_at(&pool(None), "a", now).unwrap(),
        0,
        "known attempts still answer"
    );
    assert_eq!(
        store
            .begin_at("k", &DeliveryTerms::default(), now)
            .unwrap_err()
            .kind(),
        ErrorKind::Unavailable
    );
    // Expired entries make room.
    assert_eq!(store.reserve_at(&pool(None), "b", now + MINUTE).unwrap(), 0);
}

#[test]
fn leases_expire_and_are_fenced() {
    let store = MemoryStore::default();
    let terms = DeliveryTerms {
        lease: MINUTE,
        retention: 10 * MINUTE,
    };
    let t0 = Instant::now();
    let Begun::Leased(first) = store.begin_at("k", &terms, t0).unwrap() else {
        panic!("a new delivery is leased")
    };
    assert_eq!(store.begin_at("k", &terms, t0).unwrap(), Begun::InFlight);
    let Begun::Leased(second) = store.begin_at("k", &terms, t0 + MINUTE).unwrap() else {
        panic!("an expired lease frees itself")
    };
    assert!(
        !store.end_at("k", &first, None, t0 + MINUTE),
        "a stale holder frees nothing"
    );
    assert_eq!(
        store.begin_at("k", &terms, t0 + MINUTE).unwrap(),
        Begun::InFlight
    );
    assert!(store.end_at("k", &second, Some(&terms), t0 + MINUTE));
    assert_eq!(
        store.begin_at("k", &terms, t0 + 2 * MINUTE).unwrap(),
        Begun::Done
    );
    assert!(matches!(
        store.begin_at("k", &terms, t0 + 11 * MINUTE).unwrap(),
        Begun::Leased(_)
    ));
}
