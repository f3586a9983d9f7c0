//! The conformance checks of reconciliation: the core's
//! [`Reconciler`] over a backend's claim numbers and action queue, with a
//! [`ScriptedRecord`] for the platform. Every backend of this project runs
//! them beside [`conformance::run`](super::run).
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
//! futures_executor::block_on(conformance::reconcile::run(&Memory));
//! ```
//!
//! The checks drive the queue by hand, as a runner would (take the due
//! jobs, run each check, record what it answered), so they run on any
//! runtime. The hold check waits past a short hold, which a loaded machine
//! only makes longer.

use std::collections::BTreeSet;
use std::time::Duration;

use super::fixtures::id;
use super::Backend;
use crate::platform::{Outcome, Unanswered, UnansweredKind};
use crate::reconcile::{
    is_check_key, note, ActionOn, Answered, Check, Checked, ReconcileTerms, Reconciler,
};
use crate::store::{
    claim_number_with, enqueue_status_action, ActionTerms, Actions, ClaimNumbers, Numbering,
    StatusAction,
};
use crate::testing::ScriptedRecord;
use crate::{AttemptStatus, Context};

/// The short hold of the hold check: longer than the first check's wait
/// and its margin, so that the checks settle numbers still held.
const HOLD: Duration = Duration::from_secs(6);
/// The first check's wait in the hold check: the eight calls before the
/// first pass must take less, on a loaded machine and a shared store too.
const FIRST: Duration = Duration::from_secs(3);
/// A margin past the hold, for the store's clock to have passed it.
const MARGIN: Duration = Duration::from_millis(800);

/// Checks with no wait before the first call, and listings whenever asked.
fn eager() -> ReconcileTerms {
    ReconcileTerms {
        first_check: Duration::ZERO,
        list_every: Duration::ZERO,
        ..ReconcileTerms::default()
    }
}

/// Terms that never lease anything out from under a check.
fn queue_terms() -> ActionTerms {
    ActionTerms {
        lease: Duration::from_secs(3600),
        ..ActionTerms::default()
    }
}

fn executing(claim: &str, attempt: &str) -> Context {
    Context {
        claim_id: Some(claim.into()),
        claim_attempt_id: Some(attempt.into()),
        attempt_status: Some(AttemptStatus::Executing),
        ..Context::default()
    }
}

fn success(number: u64) -> Outcome {
    Outcome::Succeeded {
        address: format!("bb1user{number}"),
        claim_number: Some(number),
    }
}

fn failure() -> Outcome {
    Outcome::Failed {
        address: "bb1user".into(),
        reason: Some("another plugin failed".into()),
    }
}

/// One pass over the queue, as a runner makes it: every due check is run
/// and its answer recorded; the post-claim actions taken are answered
/// (done) and their keys returned, with what each check came to.
async fn pass<P, S>(reconciler: &Reconciler<P, S>) -> (Vec<String>, Vec<(String, Checked)>)
where
    P: crate::platform::PlatformRecord,
    S: ClaimNumbers + Actions,
{
    let store = reconciler.store();
    let terms = queue_terms();
    let due = store.take_due(1000, &terms).await.expect("take_due failed");
    let mut actions = Vec::new();
    let mut checked = Vec::new();
    for due in due {
        if !is_check_key(&due.key) {
            due.decode::<StatusAction>()
                .expect("a post-claim action is not a StatusAction");
            assert!(store.succeed(&due.key, &due.lease, &terms).await.unwrap());
            actions.push(due.key);
            continue;
        }
        let typed = due.decode::<Check>().expect("a check is not a Check");
        let answer = reconciler.check(&typed).await.expect("a check failed");
        let recorded = match answer.next() {
            None => store.succeed(&due.key, &due.lease, &terms).await,
            Some(next) => {
                store
                    .fail(&due.key, &due.lease, next, &answer.describe(), &terms)
                    .await
            }
        };
        assert!(recorded.expect("recording a check failed"));
        checked.push((typed.payload.claim_attempt_id, answer));
    }
    actions.sort();
    (actions, checked)
}

/// Runs every reconciliation check, each on a store of its own.
pub async fn run<B>(backend: &B)
where
    B: Backend,
    B::Store: Actions,
{
    numbers_follow_the_record(backend, backend.open().await).await;
    whichever_comes_first_decides(backend.open().await).await;
    not_known_yet_is_never_failed(backend.open().await).await;
    checks_survive_a_restart(backend).await;
}

/// A claim without status webhooks: successful attempts' numbers are
/// confirmed and never handed out again once the hold has lapsed; failed
/// attempts' numbers are reused; each outcome queues its action once; a
/// claim with many attempts waiting is listed, not asked attempt by
/// attempt.
pub async fn numbers_follow_the_record<B>(backend: &B, store: B::Store)
where
    B: Backend,
    B::Store: Actions,
{
    let claim = id("claim");
    let numbering = Numbering::new().with_hold(HOLD);
    let record = ScriptedRecord::new().with_page_size(3);
    let terms = ReconcileTerms {
        first_check: FIRST,
        ..eager()
    };
    let reconciler = Reconciler::new(&record, store).with_terms(terms);
    let store = reconciler.store();
    let attempts: Vec<String> = (0..8).map(|n| format!("{claim}-a{n}")).collect();
    for (n, attempt) in attempts.iter().enumerate() {
        let call = executing(&claim, attempt);
        let answer = claim_number_with(store, &call, &numbering).await.unwrap();
        assert_eq!(
            answer,
            crate::ClaimNumber::new(n as u64).into(),
            "attempt {n} got another number"
        );
        let queued = note(store, &call, Answered::ClaimNumber, ActionOn::Always)
            .await
            .unwrap();
        assert!(queued.is_some(), "the check of {attempt} was not queued");
        // A retried call queues nothing more.
        assert!(note(store, &call, Answered::ClaimNumber, ActionOn::Always)
            .await
            .unwrap()
            .is_none());
    }
    // Even attempts succeeded, odd ones failed; the last one the platform
    // does not know.
    for (n, attempt) in attempts.iter().enumerate().take(7) {
        let outcome = if n % 2 == 0 {
            success(n as u64)
        } else {
            failure()
        };
        record.settle(&claim, attempt, outcome);
    }
    // Too early: no call is made, and every check is due again.
    let (_, early) = pass(&reconciler).await;
    assert_eq!(early.len(), 8, "{early:?}");
    assert!(
        early
            .iter()
            .all(|(_, answer)| matches!(answer, Checked::Later { reason: None, .. })),
        "{early:?}"
    );
    assert_eq!((record.status_calls(), record.list_calls()), (0, 0));
    backend.sleep(FIRST + MARGIN).await;
    let (actions, checked) = pass(&reconciler).await;
    let expected: BTreeSet<String> = attempts
        .iter()
        .enumerate()
        .take(7)
        .map(|(n, a)| format!("{a}:{}", if n % 2 == 0 { "success" } else { "failure" }))
        .collect();
    // The actions are queued by the pass: the next pass takes them.
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(checked.len(), 8, "every check ran once: {checked:?}");
    let (later, settled): (Vec<_>, Vec<_>) = checked
        .iter()
        .partition(|(_, answer)| matches!(answer, Checked::Later { .. }));
    assert_eq!(settled.len(), 7, "{checked:?}");
    assert_eq!(later.len(), 1, "{checked:?}");
    assert_eq!(
        later[0].0, attempts[7],
        "the unknown attempt is checked later"
    );
    // One listing of three pages settles seven attempts; the one left
    // waiting alone is asked about alone.
    assert!(
        record.status_calls() <= 1 && record.list_calls() <= 3,
        "8 attempts on pages of 3 took {} status calls and {} listings",
        record.status_calls(),
        record.list_calls()
    );
    let (actions, _) = pass(&reconciler).await;
    let actions: BTreeSet<String> = actions.into_iter().collect();
    assert_eq!(actions, expected, "each outcome queues its action once");
    // Late status webhooks add nothing.
    for (n, attempt) in attempts.iter().enumerate().take(7) {
        let mut webhook = executing(&claim, attempt);
        webhook.attempt_status = Some(if n % 2 == 0 {
            AttemptStatus::Success
        } else {
            AttemptStatus::Failure
        });
        claim_number_with(store, &webhook, &numbering)
            .await
            .unwrap();
        assert!(
            enqueue_status_action(store, &webhook)
                .await
                .unwrap()
                .is_none(),
            "a late webhook queued {attempt}'s action again"
        );
    }
    // The hold lapses: the unknown attempt's number is free again, the
    // failed ones' too, the successful ones' never.
    backend.sleep(HOLD + MARGIN).await;
    let mut reused = BTreeSet::new();
    for n in 0..4 {
        let call = executing(&claim, &format!("{claim}-b{n}"));
        match claim_number_with(store, &call, &numbering).await.unwrap() {
            crate::Preset::ClaimNumber(number) => reused.insert(number.get()),
            other => panic!("not a number: {other:?}"),
        };
    }
    assert_eq!(
        reused,
        BTreeSet::from([1, 3, 5, 7]),
        "after the hold, the new attempts got other numbers than the failed and unknown attempts'"
    );
}

/// The status webhook and the platform's record tell the same outcome by
/// the same key: whichever comes first queues the action, the other adds
/// nothing.
pub async fn whichever_comes_first_decides<S: ClaimNumbers + Actions>(store: S) {
    let claim = id("claim");
    let record = ScriptedRecord::new();
    let reconciler = Reconciler::new(&record, store).with_terms(eager());
    let store = reconciler.store();
    let (early, late) = (id("webhook-first"), id("record-first"));
    for attempt in [&early, &late] {
        let call = executing(&claim, attempt);
        claim_number_with(store, &call, &Numbering::new())
            .await
            .unwrap();
        note(store, &call, Answered::ClaimNumber, ActionOn::Always)
            .await
            .unwrap();
        record.settle(&claim, attempt, success(0));
    }
    let mut webhook = executing(&claim, &early);
    webhook.attempt_status = Some(AttemptStatus::Success);
    claim_number_with(store, &webhook, &Numbering::new())
        .await
        .unwrap();
    assert!(enqueue_status_action(store, &webhook)
        .await
        .unwrap()
        .is_some());
    let (mut actions, checked) = pass(&reconciler).await;
    for (attempt, answer) in &checked {
        let Checked::Settled {
            status,
            action_queued,
        } = answer
        else {
            panic!("{attempt} was not settled: {answer:?}");
        };
        assert_eq!(*status, AttemptStatus::Success);
        assert_eq!(
            *action_queued,
            attempt == &late,
            "{attempt}: the check queued the action after the webhook, or not before it"
        );
    }
    assert_eq!(checked.len(), 2, "{checked:?}");
    let mut late_webhook = executing(&claim, &late);
    late_webhook.attempt_status = Some(AttemptStatus::Success);
    assert!(enqueue_status_action(store, &late_webhook)
        .await
        .unwrap()
        .is_none());
    actions.extend(pass(&reconciler).await.0);
    actions.extend(pass(&reconciler).await.0);
    actions.sort();
    let mut expected = vec![format!("{early}:success"), format!("{late}:success")];
    expected.sort();
    assert_eq!(actions, expected, "each action once");
}

/// An attempt the platform does not know yet, or a refused call, keeps
/// its number and is checked again later; the refusal's wait is honoured.
pub async fn not_known_yet_is_never_failed<S: ClaimNumbers + Actions>(store: S) {
    let claim = id("claim");
    let record = ScriptedRecord::new();
    let reconciler = Reconciler::new(&record, store).with_terms(eager());
    let store = reconciler.store();
    let attempt = id("unknown");
    let call = executing(&claim, &attempt);
    let pool = Numbering::new().pool(&call);
    assert_eq!(store.reserve(&pool, &attempt).await.unwrap(), 0);
    note(store, &call, Answered::ClaimNumber, ActionOn::Never)
        .await
        .unwrap();
    let (_, checked) = pass(&reconciler).await;
    assert!(
        matches!(
            checked[..],
            [(
                _,
                Checked::Later {
                    reason: Some(UnansweredKind::NotKnownYet),
                    ..
                }
            )]
        ),
        "{checked:?}"
    );
    assert_eq!(
        store.preview(&pool).await.unwrap(),
        1,
        "an attempt not known yet lost its number"
    );
    // The record refuses the account: the check waits what it asked.
    let check = Check::from_context(&call, Answered::ClaimNumber, ActionOn::Never).unwrap();
    record.refuse_next(
        Unanswered::new(UnansweredKind::Throttled).with_retry_after(Some(Duration::from_secs(30))),
    );
    let due = crate::store::DueAction {
        key: check.key(),
        payload: check,
        attempt: 2,
        age: Duration::from_secs(60),
        lease: crate::store::Lease::random(),
    };
    assert_eq!(
        reconciler.check(&due).await.unwrap(),
        Checked::Later {
            after: Duration::from_secs(30),
            reason: Some(UnansweredKind::Throttled)
        }
    );
    assert_eq!(store.preview(&pool).await.unwrap(), 1);
    // Then it answers: failed; the number is free.
    record.settle(&claim, &attempt, failure());
    assert!(matches!(
        reconciler.check(&due).await.unwrap(),
        Checked::Settled {
            status: AttemptStatus::Failure,
            action_queued: false
        }
    ));
    assert_eq!(store.preview(&pool).await.unwrap(), 0);
}

/// Checks are jobs in the durable queue: after a restart they are due,
/// and settle as before.
pub async fn checks_survive_a_restart<B>(backend: &B)
where
    B: Backend,
    B::Store: Actions,
{
    let store = backend.open().await;
    let claim = id("claim");
    let attempts: Vec<String> = (0..3).map(|n| format!("{claim}-a{n}")).collect();
    for attempt in &attempts {
        let call = executing(&claim, attempt);
        claim_number_with(&store, &call, &Numbering::new())
            .await
            .unwrap();
        note(&store, &call, Answered::ClaimNumber, ActionOn::Never)
            .await
            .unwrap();
    }
    let Some(store) = backend.reopen(store).await else {
        return; // keeps nothing across a restart
    };
    let record = ScriptedRecord::new();
    for attempt in &attempts {
        record.settle(&claim, attempt, success(0));
    }
    let reconciler = Reconciler::new(&record, store).with_terms(eager());
    let (_, checked) = pass(&reconciler).await;
    let settled: BTreeSet<&str> = checked
        .iter()
        .filter(|(_, answer)| matches!(answer, Checked::Settled { .. }))
        .map(|(attempt, _)| attempt.as_str())
        .collect();
    assert_eq!(
        settled,
        attempts.iter().map(String::as_str).collect(),
        "checks were lost across a restart"
    );
    let call = executing(&claim, "");
    let pool = Numbering::new().pool(&call);
    assert_eq!(reconciler.store().preview(&pool).await.unwrap(), 3);
}
