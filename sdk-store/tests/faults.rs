//! A store that goes down or stops answering: each call fails with a 503
//! within the bound, no message or log holds the password, and the store
//! recovers by itself when the server is back. Private servers of the
//! test's own (the machine's shared servers keep running).
#![cfg(any(feature = "postgres", feature = "redis"))]

mod common;

use std::time::{Duration, Instant};

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};

const PASSWORD: &str = "hunter2-not-for-logs";
const BOUND: Duration = Duration::from_millis(1500);
/// Tokio's timer granularity: a timer fires at the first millisecond tick
/// at or after its deadline.
const TICK: Duration = Duration::from_millis(1);

fn pool() -> ClaimPool<'static> {
    ClaimPool {
        claim_id: "claim",
        limit: None,
        hold: Duration::from_secs(60),
    }
}

/// `call`'s answer and how long it took by Tokio's clock, paused for the
/// call: only timers move it (the store's bound, or an earlier one of the
/// driver's), never a loaded machine, so the time is exact. The test's
/// runtime is `current_thread`, as pausing needs.
async fn timed<T>(call: impl std::future::Future<Output = T>) -> (T, Duration) {
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let answer = call.await;
    let waited = started.elapsed();
    tokio::time::resume();
    (answer, waited)
}

/// The call fails as a store failure should, within the bound.
async fn fails_in_time<S: ClaimNumbers>(store: &S, attempt: &str) -> Error {
    let (answer, waited) = timed(store.reserve(&pool(), attempt)).await;
    let err = answer.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_eq!(err.status(), 503);
    assert!(
        waited <= BOUND + TICK,
        "waited {waited:?} by the runtime's clock"
    );
    assert!(!err.message().contains(PASSWORD));
    assert!(!err.message().contains("127.0.0.1"));
    err
}

/// The store answers again by itself once the server is back. The deadline
/// only tells "recovers" from "never recovers": it is far from what a
/// loaded machine takes to restart a server.
async fn recovers<S: ClaimNumbers>(store: &S, attempt: &str) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match store.reserve(&pool(), attempt).await {
            Ok(number) => return number,
            Err(err) if Instant::now() < deadline => {
                assert_eq!(err.kind(), ErrorKind::Unavailable);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => panic!("the store did not recover: {err}"),
        }
    }
}

fn log_holds_no_password() {
    let log = common::log();
    let log = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        log.contains("store call failed"),
        "the failures were logged"
    );
    assert!(!log.contains(PASSWORD), "a password was logged:\n{log}");
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "current_thread")]
async fn redis_down_or_frozen_answers_503_and_recovers() {
    if common::server("CLAIMKIT_TEST_REDIS").is_none() {
        return;
    }
    common::log();
    let Some(mut redis) = common::PrivateRedis::start(PASSWORD) else {
        return;
    };
    let store = claimkit_store::RedisStore::builder()
        .timeout(BOUND)
        .connect(&redis.url())
        .await
        .unwrap();
    assert_eq!(store.reserve(&pool(), "a").await.unwrap(), 0);
    let shown = store.to_string();
    assert!(
        shown.contains(":***@") && !shown.contains(PASSWORD),
        "{shown}"
    );

    redis.stop();
    fails_in_time(&store, "b").await;
    fails_in_time(&store, "b").await;
    redis.restart();
    // A restarted server without persistence starts empty, and has
    // forgotten the scripts: they are loaded again.
    assert_eq!(recovers(&store, "b").await, 0);

    redis.freeze(true);
    fails_in_time(&store, "c").await;
    redis.freeze(false);
    let number = recovers(&store, "c").await;
    assert!(number <= 1, "{number}");

    // A server that is down when the store connects.
    redis.stop();
    let (answer, waited) = timed(claimkit_store::Store::connect(&redis.url())).await;
    let err = answer.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        waited <= claimkit_store::DEFAULT_TIMEOUT + TICK,
        "waited {waited:?}"
    );
    assert!(!err.message().contains(PASSWORD));
    log_holds_no_password();
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "current_thread")]
async fn postgres_down_answers_503_and_recovers() {
    if common::server("CLAIMKIT_TEST_POSTGRES").is_none() {
        return;
    }
    common::log();
    let Some(postgres) = common::PrivatePostgres::start() else {
        return;
    };
    let store = claimkit_store::PostgresStore::builder()
        .timeout(BOUND)
        .connect(&postgres.url(PASSWORD))
        .await
        .unwrap();
    assert_eq!(store.reserve(&pool(), "a").await.unwrap(), 0);
    let shown = store.to_string();
    assert!(
        shown.contains(":***@") && !shown.contains(PASSWORD),
        "{shown}"
    );

    postgres.stop();
    fails_in_time(&store, "b").await;
    fails_in_time(&store, "b").await;
    postgres.restart();
    // The reservation made before the restart is still there.
    assert_eq!(recovers(&store, "b").await, 1);
    assert_eq!(store.reserve(&pool(), "a").await.unwrap(), 0);

    postgres.stop();
    let (answer, waited) = timed(claimkit_store::Store::connect(&postgres.url(PASSWORD))).await;
    let err = answer.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        waited <= claimkit_store::DEFAULT_TIMEOUT + TICK,
        "waited {waited:?}"
    );
    assert!(!err.message().contains(PASSWORD));
    log_holds_no_password();
}
