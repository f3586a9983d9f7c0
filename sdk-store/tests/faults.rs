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

fn pool() -> ClaimPool<'static> {
    ClaimPool {
        claim_id: "claim",
        limit: None,
        hold: Duration::from_secs(60),
    }
}

/// The call fails as a store failure should, within the bound.
async fn fails_in_time<S: ClaimNumbers>(store: &S, attempt: &str) -> Error {
    let started = Instant::now();
    let err = store.reserve(&pool(), attempt).await.unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_eq!(err.status(), 503);
    assert!(
        waited < BOUND + Duration::from_millis(700),
        "waited {waited:?}"
    );
    assert!(!err.message().contains(PASSWORD));
    assert!(!err.message().contains("127.0.0.1"));
    err
}

/// The store answers again within a few seconds of the server's return.
async fn recovers<S: ClaimNumbers>(store: &S, attempt: &str) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(15);
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
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    let started = Instant::now();
    let err = claimkit_store::Store::connect(&redis.url())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(!err.message().contains(PASSWORD));
    log_holds_no_password();
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

    postgres.stop();
    fails_in_time(&store, "b").await;
    fails_in_time(&store, "b").await;
    postgres.restart();
    // The reservation made before the restart is still there.
    assert_eq!(recovers(&store, "b").await, 1);
    assert_eq!(store.reserve(&pool(), "a").await.unwrap(), 0);

    postgres.stop();
    let started = Instant::now();
    let err = claimkit_store::Store::connect(&postgres.url(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(!err.message().contains(PASSWORD));
    log_holds_no_password();
}
