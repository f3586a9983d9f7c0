//! The runner on the in-memory store: retries, renewal, panics and
//! shutdown.
//!
//! Every test runs on Tokio's paused clock, and the store reads the same
//! clock: leases, retries and the horizon are timed exactly, however
//! loaded the machine.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use claimkit::store::{
    enqueue_action, enqueue_status_action, ActionTerms, Actions, DeadAction, DueAction,
    MemoryStore, StatusAction,
};
use claimkit::{AttemptStatus, Context};
use claimkit_tokio::Runner;
use serde_json::Value;

/// A store on Tokio's clock, paused in these tests.
fn store() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::default().with_clock(|| tokio::time::Instant::now().into_std()))
}

fn quick() -> ActionTerms {
    ActionTerms {
        lease: Duration::from_millis(600),
        first_retry: Duration::from_millis(50),
        max_delay: Duration::from_millis(100),
        ..ActionTerms::default()
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The store's dead actions once there are some (empty after 2.5 s).
async fn dead_soon(store: &MemoryStore) -> Vec<DeadAction> {
    for _ in 0..100 {
        let dead = store.dead(10).await.unwrap();
        if !dead.is_empty() {
            return dead;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Vec::new()
}

#[tokio::test(start_paused = true)]
async fn a_failing_action_is_retried_until_it_succeeds() {
    let store = store();
    let terms = quick();
    assert!(store.enqueue("a1:success", "{}").await.unwrap());
    let tries = Arc::new(AtomicU32::new(0));
    let seen = tries.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .start(move |action: DueAction<Value>| {
            let seen = seen.clone();
            async move {
                let n = seen.fetch_add(1, Ordering::SeqCst) + 1;
                assert_eq!(action.attempt, n, "try numbers count up");
                assert_eq!(action.key, "a1:success");
                if n < 3 {
                    Err(format!("sink answered 500 (try {n})"))
                } else {
                    Ok(())
                }
            }
        });
    until("three tries", || tries.load(Ordering::SeqCst) == 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert_eq!(tries.load(Ordering::SeqCst), 3, "ran again after success");
    assert!(
        !store.enqueue("a1:success", "{}").await.unwrap(),
        "done is remembered"
    );
    assert!(store.take_due(10, &terms).await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_a_failure_and_past_the_horizon_the_action_is_dead() {
    let store = store();
    let terms = ActionTerms {
        give_up: Duration::from_millis(1500),
        ..quick()
    };
    store.enqueue("k", "{}").await.unwrap();
    let tries = Arc::new(AtomicU32::new(0));
    let seen = tries.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .start(move |_action: DueAction<Value>| {
            seen.fetch_add(1, Ordering::SeqCst);
            async move {
                if true {
                    panic!("a bug in the action");
                }
                Ok::<(), String>(())
            }
        });
    let dead = dead_soon(&store).await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert_eq!(dead.len(), 1, "the action gave up");
    assert_eq!(dead[0].last_error, "the action panicked");
    assert!(
        tries.load(Ordering::SeqCst) >= 2,
        "a panic is retried: {dead:?}"
    );
    assert_eq!(dead[0].attempts, tries.load(Ordering::SeqCst));
}

#[tokio::test(start_paused = true)]
async fn the_action_receives_its_payload_as_the_type_it_was_queued_as() {
    let store = store();
    let mut webhook = Context::default();
    webhook.claim_id = Some("c1".into());
    webhook.claim_attempt_id = Some("a1".into());
    webhook.attempt_status = Some(AttemptStatus::Failure);
    let queued = enqueue_status_action(&store, &webhook)
        .await
        .unwrap()
        .unwrap();
    let (sent, mut received) = tokio::sync::mpsc::unbounded_channel();
    let runner = Runner::new(store.clone())
        .with_terms(quick())
        .with_poll(Duration::from_millis(20))
        .start(move |action: DueAction<StatusAction>| {
            let sent = sent.clone();
            async move {
                let _ = sent.send(action);
                Ok::<(), String>(())
            }
        });
    let action = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("the action ran")
        .unwrap();
    runner.shutdown(Duration::from_secs(1)).await;
    assert_eq!(action.key, "a1:failure");
    assert_eq!(action.payload, queued);
    assert_eq!(action.payload.status, AttemptStatus::Failure);
}

#[tokio::test(start_paused = true)]
async fn a_payload_the_action_cannot_read_fails_its_tries_without_calling_it() {
    let store = store();
    let terms = ActionTerms {
        give_up: Duration::from_millis(1500),
        ..quick()
    };
    enqueue_action(&store, "not-a-status", &[1, 2, 3])
        .await
        .unwrap();
    let called = Arc::new(AtomicU32::new(0));
    let calls = called.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .start(move |_action: DueAction<StatusAction>| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Ok::<(), String>(()) }
        });
    let dead = dead_soon(&store).await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert_eq!(called.load(Ordering::SeqCst), 0, "the action was called");
    assert_eq!(dead.len(), 1, "the action gave up: {dead:?}");
    assert!(dead[0].attempts >= 2, "retried first: {dead:?}");
    assert_eq!(dead[0].payload, "[1,2,3]", "the payload is kept as it was");
    assert_eq!(
        dead[0].last_error,
        "a queued payload is not a `StatusAction` (a value of the wrong shape at line 1 column 2)"
    );
}

#[tokio::test(start_paused = true)]
async fn an_action_whose_runner_crashes_on_every_try_is_dead_past_the_horizon() {
    let store = store();
    let terms = ActionTerms {
        lease: Duration::from_millis(100),
        give_up: Duration::from_millis(400),
        ..quick()
    };
    store.enqueue("crashes", "{}").await.unwrap();
    // Tries whose runner died before it recorded anything: taken, never
    // renewed, never recorded.
    let mut lost = 0;
    while lost < 3 {
        if let [due] = store.take_due(1, &terms).await.unwrap().as_slice() {
            lost += 1;
            assert_eq!(due.attempt, lost);
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ran = Arc::new(AtomicU32::new(0));
    let seen = ran.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .start(move |_action: DueAction<Value>| {
            seen.fetch_add(1, Ordering::SeqCst);
            async { Ok::<(), String>(()) }
        });
    let dead = dead_soon(&store).await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert_eq!(dead.len(), 1, "the crashing action gave up");
    assert_eq!(dead[0].key, "crashes");
    assert!(
        dead[0]
            .last_error
            .contains("no outcome was recorded for 3 tries"),
        "{}",
        dead[0].last_error
    );
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "past the horizon it does not run again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_first_try_runs_however_late() {
    let store = store();
    let terms = ActionTerms {
        give_up: Duration::from_millis(100),
        ..quick()
    };
    store.enqueue("late", "{}").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ran = Arc::new(AtomicU32::new(0));
    let seen = ran.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .start(move |_action: DueAction<Value>| {
            seen.fetch_add(1, Ordering::SeqCst);
            async { Ok::<(), String>(()) }
        });
    until("the late action's one try", || {
        ran.load(Ordering::SeqCst) == 1
    })
    .await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert!(store.dead(10).await.unwrap().is_empty());
    assert!(!store.enqueue("late", "{}").await.unwrap(), "done");
}

#[tokio::test(start_paused = true)]
async fn leases_are_renewed_so_two_runners_never_run_one_action_at_once() {
    let store = store();
    let terms = ActionTerms {
        lease: Duration::from_millis(300),
        ..quick()
    };
    store.enqueue("slow", "{}").await.unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let runs = Arc::new(AtomicUsize::new(0));
    let start = || {
        let (running, most, runs) = (running.clone(), most.clone(), runs.clone());
        Runner::new(store.clone())
            .with_terms(terms)
            .with_poll(Duration::from_millis(10))
            .start(move |_action: DueAction<Value>| {
                let (running, most, runs) = (running.clone(), most.clone(), runs.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Three leases long: only renewal keeps it.
                    tokio::time::sleep(Duration::from_millis(900)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok::<(), String>(())
                }
            })
    };
    let (first, second) = (start(), start());
    until("the slow action", || runs.load(Ordering::SeqCst) == 1).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    first.shutdown(Duration::from_secs(1)).await;
    second.shutdown(Duration::from_secs(1)).await;
    assert_eq!(most.load(Ordering::SeqCst), 1, "two runners ran it at once");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_running_actions_then_leaves_the_rest_due() {
    let store = store();
    let terms = quick();
    store.enqueue("quick", "{}").await.unwrap();
    store.enqueue("stuck", "{}").await.unwrap();
    let finished = Arc::new(AtomicUsize::new(0));
    let done = finished.clone();
    let runner = Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(10))
        .start(move |action: DueAction<Value>| {
            let done = done.clone();
            async move {
                let wait = if action.key == "quick" { 200 } else { 60_000 };
                tokio::time::sleep(Duration::from_millis(wait)).await;
                done.fetch_add(1, Ordering::SeqCst);
                Ok::<(), String>(())
            }
        });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = tokio::time::Instant::now();
    runner.shutdown(Duration::from_millis(500)).await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "shutdown is bounded: {took:?}"
    );
    assert_eq!(finished.load(Ordering::SeqCst), 1, "the quick one finished");
    // The stuck one was interrupted and is due again, at once, for the next
    // start; the quick one is done.
    let due = store.take_due(10, &terms).await.unwrap();
    let keys: Vec<&str> = due.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["stuck"]);
    assert_eq!(due[0].attempt, 2);
}

#[tokio::test(start_paused = true)]
async fn a_first_try_that_waited_several_leases_is_warned_about() {
    let logs = parity_tests::logs::Logs::default();
    let _guard = logs.start();
    let store = store();
    let terms = quick();
    store.enqueue("on-time", "{}").await.unwrap();
    let ran = Arc::new(AtomicU32::new(0));
    let start = |ran: Arc<AtomicU32>| {
        Runner::new(store.clone())
            .with_terms(terms)
            .with_poll(Duration::from_millis(20))
            .start(move |_action: DueAction<Value>| {
                ran.fetch_add(1, Ordering::SeqCst);
                async { Ok::<(), String>(()) }
            })
    };
    let runner = start(ran.clone());
    until("the action on time", || ran.load(Ordering::SeqCst) == 1).await;
    runner.shutdown(Duration::from_secs(1)).await;
    assert!(!logs.text().contains("waited more than"), "{}", logs.text());

    // No runner for four leases: the first try is late.
    store.enqueue("forgotten", "{}").await.unwrap();
    tokio::time::sleep(terms.lease * 4).await;
    let runner = start(ran.clone());
    until("the late action", || ran.load(Ordering::SeqCst) == 2).await;
    runner.shutdown(Duration::from_secs(1)).await;
    let text = logs.text();
    assert_eq!(
        text.matches("waited more than 3 leases").count(),
        1,
        "{text}"
    );
    assert!(text.contains("key=forgotten waited_s=2"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn checks_settle_attempts_and_their_actions_run_once() {
    use claimkit::platform::Outcome;
    use claimkit::reconcile::{note, ActionOn, Answered, Reconciler};
    use claimkit::testing::ScriptedRecord;

    let store = store();
    let record = Arc::new(ScriptedRecord::new());
    let reconciler = Arc::new(Reconciler::new(record.clone(), store.clone()));
    for attempt in ["a1", "a2"] {
        let mut call = Context::default();
        call.claim_id = Some("c".into());
        call.claim_attempt_id = Some(attempt.into());
        note(&*store, &call, Answered::StatusHook, ActionOn::Always)
            .await
            .unwrap();
    }
    record.settle(
        "c",
        "a1",
        Outcome::Succeeded {
            address: "bb1a".into(),
            claim_number: None,
        },
    );
    record.settle(
        "c",
        "a2",
        Outcome::Failed {
            address: "bb1b".into(),
            reason: None,
        },
    );
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let ran = seen.clone();
    let runner = Runner::new(store.clone())
        .with_terms(quick())
        .with_reconciler(reconciler.clone())
        .start(move |due: DueAction<StatusAction>| {
            let ran = ran.clone();
            async move {
                ran.lock().unwrap().push(due.key);
                Ok::<(), String>(())
            }
        });
    // The first check comes 5 s after the answer (on the paused clock).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(seen.lock().unwrap().is_empty());
    assert_eq!(record.status_calls() + record.list_calls(), 0);
    until("both actions", || seen.lock().unwrap().len() == 2).await;
    let mut keys = seen.lock().unwrap().clone();
    keys.sort();
    assert_eq!(keys, ["a1:success", "a2:failure"]);
    // Two attempts of one claim: one listing answers both.
    assert_eq!((record.status_calls(), record.list_calls()), (0, 1));
    assert_eq!(reconciler.waiting(), 0);
    // The late status webhook adds nothing.
    let mut webhook = Context::default();
    webhook.claim_id = Some("c".into());
    webhook.claim_attempt_id = Some("a1".into());
    webhook.attempt_status = Some(AttemptStatus::Success);
    assert!(enqueue_status_action(&*store, &webhook)
        .await
        .unwrap()
        .is_none());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    runner.shutdown(Duration::from_secs(1)).await;
}
