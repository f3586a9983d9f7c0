//! The checks of simulation holds: a simulation holds its number (or
//! token) for its claim and address, the attempt that replays it takes it
//! over, and the rules of [`claim_number_with`] keep a claim's successful
//! numbers dense when simulations are the only calls.
//!
//! [`run`](super::run) runs them on every backend.

use std::collections::BTreeSet;

use futures_util::future::join_all;

use super::fixtures::{id, pool, LONG};
use crate::store::{claim_number_with, ClaimNumbers, ClaimPool, ClaimTokens, Numbering};
use crate::{AttemptStatus, Context, Preset};

/// Runs every check of this module, each on a claim of its own.
pub async fn run<S: ClaimNumbers + ClaimTokens>(store: &S) {
    simultaneous_simulations(store).await;
    take_over_hands_a_hold_to_its_attempt(store).await;
    take_over_or_reserve_in_one_step(store).await;
    replayed_simulations_stay_dense(store).await;
    sequential_attempts_from_one_address(store).await;
    assigned_numbers(store).await;
    tokens_held_for_a_simulation(store).await;
}

/// A call of `claim` as the platform sends it.
fn call(
    claim: &str,
    address: &str,
    attempt: &str,
    status: AttemptStatus,
    simulation: bool,
) -> Context {
    Context {
        claim_id: Some(claim.into()),
        claim_attempt_id: Some(attempt.into()),
        attempt_status: Some(status),
        simulation: Some(simulation),
        bitbadges_address: Some(address.into()),
        ..Context::default()
    }
}

async fn answer<S: ClaimNumbers>(store: &S, context: &Context) -> Option<u64> {
    match claim_number_with(store, context, &Numbering::new())
        .await
        .expect("a claim-number call failed")
    {
        Preset::ClaimNumber(number) => Some(number.get()),
        _ => None,
    }
}

/// 30 simultaneous holds of distinct holders get 30 distinct numbers; each
/// holder asking again gets its own; a preview skips them all.
pub async fn simultaneous_simulations<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let holders: Vec<String> = (0..30).map(|i| format!("simulation:bb1user{i}")).collect();
    let pool = pool(&claim, None);
    let numbers = join_all(holders.iter().map(|h| store.reserve(&pool, h))).await;
    let numbers: Vec<u64> = numbers.into_iter().map(Result::unwrap).collect();
    let unique: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(
        unique,
        (0..30).collect(),
        "simultaneous simulations did not get 0..30: {numbers:?}"
    );
    let again = join_all(holders.iter().map(|h| store.reserve(&pool, h))).await;
    let again: Vec<u64> = again.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        again, numbers,
        "a holder simulating again got another number"
    );
    assert_eq!(
        store.preview(&pool).await.unwrap(),
        30,
        "a held number was previewed"
    );
}

/// A hold is handed over to an attempt once, atomically; the holder then
/// holds nothing; concurrent hand-overs to one attempt agree.
pub async fn take_over_hands_a_hold_to_its_attempt<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let pool = pool(&claim, None);
    let holder = "simulation:bb1alice";
    assert_eq!(store.reserve(&pool, "before").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, holder).await.unwrap(), 1);
    assert_eq!(
        store.take_over(&pool, Some(holder), "a").await.unwrap(),
        Some(1),
        "the attempt did not take its simulation's number"
    );
    assert_eq!(
        store.take_over(&pool, Some(holder), "a").await.unwrap(),
        Some(1),
        "a retried take-over lost the number"
    );
    assert_eq!(
        store.take_over(&pool, Some(holder), "b").await.unwrap(),
        None,
        "a hold was handed over twice"
    );
    assert_eq!(store.take_over(&pool, None, "a").await.unwrap(), Some(1));
    assert_eq!(store.take_over(&pool, None, "unknown").await.unwrap(), None);
    assert_eq!(
        store.reserve(&pool, holder).await.unwrap(),
        2,
        "the holder still held the number it handed over"
    );
    // The attempt's reservation now waits for its webhook.
    store.confirm(&claim, "a").await.unwrap();
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 1);
    // Concurrent hand-overs of one hold to one attempt.
    let taken = join_all((0..20).map(|_| store.take_over(&pool, Some(holder), "c"))).await;
    let taken: BTreeSet<Option<u64>> = taken.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        taken,
        BTreeSet::from([Some(2)]),
        "concurrent take-overs disagreed"
    );
    // A confirmed attempt is not handed another holder's number.
    assert_eq!(store.reserve(&pool, holder).await.unwrap(), 3);
    assert_eq!(
        store.take_over(&pool, Some(holder), "a").await.unwrap(),
        Some(1)
    );
    assert_eq!(store.reserve(&pool, holder).await.unwrap(), 3);
    // An unknown claim holds nothing.
    let other = id("claim");
    assert_eq!(
        store
            .take_over(
                &ClaimPool {
                    claim_id: &other,
                    ..pool
                },
                Some(holder),
                "a"
            )
            .await
            .unwrap(),
        None
    );
}

/// [`take_over_or_reserve`](ClaimNumbers::take_over_or_reserve), called
/// all at once: attempts take their holders' numbers over, the others get
/// the lowest free numbers, distinct, below the bound; retries agree; a
/// holder that handed its number over holds nothing.
pub async fn take_over_or_reserve_in_one_step<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let pool = pool(&claim, Some(7));
    let (alice, bob) = ("simulation:bb1alice", "simulation:bb1bob");
    assert_eq!(store.reserve(&pool, "before").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, alice).await.unwrap(), 1);
    assert_eq!(store.reserve(&pool, bob).await.unwrap(), 2);
    let calls = [
        (Some(alice), "a"),
        (Some(bob), "b"),
        (None, "c"),
        (Some("simulation:bb1nobody"), "d"),
        (Some(alice), "a"),
        (None, "before"),
        (Some(alice), "a"),
        (None, "c"),
    ];
    let numbers = join_all(
        calls
            .iter()
            .map(|&(holder, attempt)| store.take_over_or_reserve(&pool, holder, attempt)),
    )
    .await;
    let numbers: Vec<u64> = numbers.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        [numbers[0], numbers[4], numbers[6]],
        [1, 1, 1],
        "an attempt did not take its simulation's number: {numbers:?}"
    );
    assert_eq!(
        numbers[1], 2,
        "an attempt did not take its simulation's number"
    );
    assert_eq!(numbers[5], 0, "a retried attempt lost its number");
    assert_eq!(
        numbers[7], numbers[2],
        "a retried attempt got another number"
    );
    let fresh = BTreeSet::from([numbers[2], numbers[3]]);
    assert_eq!(
        fresh,
        BTreeSet::from([3, 4]),
        "attempts with nothing to take over did not get the lowest free numbers: {numbers:?}"
    );
    assert_eq!(
        store.reserve(&pool, alice).await.unwrap(),
        5,
        "a holder still held the number it handed over"
    );
    // The taken-over number waits for its webhook like a reservation.
    store.release(&claim, "a").await.unwrap();
    assert_eq!(
        store.take_over_or_reserve(&pool, None, "e").await.unwrap(),
        1,
        "a released number was not the lowest free"
    );
    assert_eq!(
        store
            .take_over_or_reserve(&pool, Some(alice), "f")
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        store.take_over_or_reserve(&pool, None, "g").await.unwrap(),
        6
    );
    let err = store
        .take_over_or_reserve(&pool, Some(bob), "h")
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        crate::ErrorKind::Exhausted,
        "a number at the bound was reserved"
    );
    // Many attempts at once on a claim of their own: 0..20, distinct.
    let other = id("claim");
    let other = self::pool(&other, None);
    let attempts: Vec<String> = (0..20).map(|i| format!("attempt-{i}")).collect();
    let numbers = join_all(
        attempts
            .iter()
            .map(|a| store.take_over_or_reserve(&other, Some(bob), a)),
    )
    .await;
    let unique: BTreeSet<u64> = numbers.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        unique,
        (0..20).collect(),
        "simultaneous attempts did not get 0..20"
    );
}

/// Simulations are the only calls: 30 simultaneous simulations get
/// distinct numbers; their attempts' webhooks (some after an executing
/// call) confirm or release them; a second wave, all successful, reuses
/// what the first wave's failures released, and the successful numbers are
/// `0..k`.
pub async fn replayed_simulations_stay_dense<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let claim = claim.as_str();
    let mut successful = BTreeSet::new();
    for wave in 0..2 {
        let calls: Vec<(String, String)> = (0..30)
            .map(|i| {
                (
                    format!("bb1wave{wave}user{i}"),
                    format!("attempt-{wave}-{i}"),
                )
            })
            .collect();
        let simulations = join_all(calls.iter().map(|(address, _)| async {
            answer(
                store,
                &call(claim, address, "", AttemptStatus::Executing, true),
            )
            .await
        }))
        .await;
        let previewed: BTreeSet<Option<u64>> = simulations.iter().copied().collect();
        assert_eq!(previewed.len(), 30, "a wave previewed {simulations:?}");
        let settled = join_all(calls.iter().enumerate().map(|(i, (address, attempt))| {
            let simulated = simulations[i];
            async move {
                if i % 3 == 0 {
                    // The classic model: the real call comes too.
                    let executing = call(claim, address, attempt, AttemptStatus::Executing, false);
                    assert_eq!(
                        answer(store, &executing).await,
                        simulated,
                        "the executing call did not get its simulation's number"
                    );
                }
                let status = if wave == 0 && i % 4 == 1 {
                    AttemptStatus::Failure
                } else {
                    AttemptStatus::Success
                };
                let ok = status == AttemptStatus::Success;
                let webhook = call(claim, address, attempt, status, false);
                assert_eq!(answer(store, &webhook).await, None);
                // A retried webhook changes nothing.
                assert_eq!(answer(store, &webhook).await, None);
                ok.then_some(simulated)
            }
        }))
        .await;
        successful.extend(settled.into_iter().flatten().flatten());
    }
    let k = u64::try_from(successful.len()).unwrap();
    assert_eq!(
        successful,
        (0..k).collect(),
        "the successful numbers are not dense"
    );
    assert_eq!(
        store.preview(&pool(claim, None)).await.unwrap(),
        k,
        "a released number was not reused, or a confirmed one was freed"
    );
}

/// One address, attempt after attempt, each settled by its webhook: each
/// attempt gets a number of its own.
pub async fn sequential_attempts_from_one_address<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let address = "bb1carol";
    let simulate = || call(&claim, address, "", AttemptStatus::Executing, true);
    assert_eq!(answer(store, &simulate()).await, Some(0));
    assert_eq!(
        answer(store, &simulate()).await,
        Some(0),
        "the same user simulating again got another number"
    );
    answer(
        store,
        &call(&claim, address, "a1", AttemptStatus::Success, false),
    )
    .await;
    assert_eq!(
        answer(store, &simulate()).await,
        Some(1),
        "a second attempt from one address got the first one's number"
    );
    answer(
        store,
        &call(&claim, address, "a2", AttemptStatus::Failure, false),
    )
    .await;
    assert_eq!(answer(store, &simulate()).await, Some(1));
    assert_eq!(
        answer(
            store,
            &call(&claim, address, "a3", AttemptStatus::Executing, false)
        )
        .await,
        Some(1)
    );
    answer(
        store,
        &call(&claim, address, "a3", AttemptStatus::Success, false),
    )
    .await;
    // A late failure of a confirmed attempt frees nothing, and takes no hold.
    assert_eq!(answer(store, &simulate()).await, Some(2));
    answer(
        store,
        &call(&claim, address, "a1", AttemptStatus::Failure, false),
    )
    .await;
    assert_eq!(answer(store, &simulate()).await, Some(2));
    assert_eq!(store.preview(&pool(&claim, None)).await.unwrap(), 3);
}

/// A number the platform assigned is confirmed for its attempt, the gap
/// below it left free, and never over another attempt's.
pub async fn assigned_numbers<S: ClaimNumbers>(store: &S) {
    let claim = id("claim");
    let pool = pool(&claim, None);
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    assert!(store.assign(&claim, "p", 3).await.unwrap());
    assert!(
        store.assign(&claim, "p", 3).await.unwrap(),
        "assigning again"
    );
    assert!(
        !store.assign(&claim, "p", 2).await.unwrap(),
        "an attempt got a second number"
    );
    assert!(
        !store.assign(&claim, "q", 0).await.unwrap(),
        "a reserved number was assigned to another attempt"
    );
    assert!(
        !store.assign(&claim, "q", 3).await.unwrap(),
        "a confirmed number was assigned to another attempt"
    );
    assert_eq!(
        store.reserve(&pool, "b").await.unwrap(),
        1,
        "the gap is free"
    );
    assert_eq!(store.reserve(&pool, "c").await.unwrap(), 2);
    assert_eq!(store.reserve(&pool, "d").await.unwrap(), 4);
    store.release(&claim, "p").await.unwrap();
    assert_eq!(
        store.reserve(&pool, "p").await.unwrap(),
        3,
        "an assigned number is not confirmed"
    );
    // A freed number may be assigned.
    store.release(&claim, "c").await.unwrap();
    assert!(store.assign(&claim, "r", 2).await.unwrap());
    assert_eq!(store.preview(&pool).await.unwrap(), 5);
    // So may the attempt's own reservation.
    assert!(store.assign(&claim, "d", 4).await.unwrap());
    store.release(&claim, "d").await.unwrap();
    assert_eq!(store.preview(&pool).await.unwrap(), 5, "assigning confirms");
}

/// A simulation's token is handed to its attempt once; concurrent
/// hand-overs agree; an attempt's own token is never replaced.
pub async fn tokens_held_for_a_simulation<S: ClaimTokens>(store: &S) {
    let holder = id("simulation:bb1dave");
    let (a, b, c) = (id("attempt"), id("attempt"), id("attempt"));
    let held = store.issue(&holder, LONG).await.unwrap();
    assert_eq!(store.issue(&holder, LONG).await.unwrap(), held);
    assert_eq!(
        store.take_over_token(&holder, &a, LONG).await.unwrap(),
        Some(held.clone()),
        "the attempt did not take its simulation's token"
    );
    assert_eq!(store.issue(&a, LONG).await.unwrap(), held);
    assert_eq!(
        store.take_over_token(&holder, &b, LONG).await.unwrap(),
        None,
        "a token was handed over twice"
    );
    let next = store.issue(&holder, LONG).await.unwrap();
    assert_ne!(next, held, "the holder kept the token it handed over");
    assert_eq!(
        store.take_over_token(&holder, &a, LONG).await.unwrap(),
        Some(held.clone()),
        "an attempt's token was replaced"
    );
    let taken = join_all((0..20).map(|_| store.take_over_token(&holder, &c, LONG))).await;
    let taken: BTreeSet<Option<String>> = taken.into_iter().map(Result::unwrap).collect();
    assert_eq!(taken, BTreeSet::from([Some(next.clone())]));
    assert_eq!(store.issue(&c, LONG).await.unwrap(), next);
}
