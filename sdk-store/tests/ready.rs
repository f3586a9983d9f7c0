//! A readiness route over a shared store: `503 {"message"}` within its
//! bound when PostgreSQL or Redis stops or stops answering, `200` again
//! once it is back. A real server on loopback (claimkit-axum's `readiness`)
//! and private database servers of the test's own (the machine's shared
//! servers keep running).
#![cfg(any(feature = "postgres", feature = "redis"))]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use claimkit::health::Readiness;
use claimkit_axum::{liveness, readiness};
use claimkit_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PASSWORD: &str = "hunter2-not-for-probes";
/// The readiness bound.
const BOUND: Duration = Duration::from_millis(1000);
/// What a loaded machine may add to the bound.
const SLACK: Duration = Duration::from_millis(2000);

/// Serves `/livez` and `/readyz` over `store` on a free port.
async fn serve(store: Store) -> SocketAddr {
    let app = Router::new().route("/livez", liveness()).route(
        "/readyz",
        readiness(Readiness::new(store).with_timeout(BOUND)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// `GET path`: the status, the body, and how long the answer took.
async fn get(address: SocketAddr, path: &str) -> (u16, String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body, started.elapsed())
}

/// Asks `/readyz` until it answers `status`, each answer within the bound;
/// the body of that answer.
async fn until(address: SocketAddr, status: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (got, body, took) = get(address, "/readyz").await;
        assert!(took < BOUND + SLACK, "/readyz took {took:?}");
        assert!(
            !body.contains(PASSWORD) && !body.contains("127.0.0.1"),
            "{body}"
        );
        if got == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz kept answering {got} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A `503` as readiness answers it for a store that is down or silent.
fn not_ready(body: &str) {
    assert!(
        body == r#"{"message":"the plugin's store is unavailable; try again later"}"#
            || body
                == format!(
                    r#"{{"message":"the plugin's store did not answer within {} ms"}}"#,
                    BOUND.as_millis()
                ),
        "{body}"
    );
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_redis_down_frozen_and_back() {
    if common::server("CLAIMKIT_TEST_REDIS").is_none() {
        return;
    }
    let Some(mut redis) = common::PrivateRedis::start(PASSWORD) else {
        return;
    };
    let store = claimkit_store::RedisStore::connect(&redis.url())
        .await
        .unwrap();
    let address = serve(store.into()).await;
    assert_eq!(until(address, 200).await, r#"{"status":"ready"}"#);

    redis.stop();
    not_ready(&until(address, 503).await);
    assert_eq!(
        get(address, "/livez").await.0,
        200,
        "liveness touches nothing"
    );
    redis.restart();
    until(address, 200).await;

    // A server that takes connections and answers nothing: only the bound
    // ends the wait.
    redis.freeze(true);
    let body = until(address, 503).await;
    redis.freeze(false);
    assert_eq!(
        body,
        r#"{"message":"the plugin's store did not answer within 1000 ms"}"#
    );
    until(address, 200).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_postgres_down_and_back() {
    if common::server("CLAIMKIT_TEST_POSTGRES").is_none() {
        return;
    }
    let Some(postgres) = common::PrivatePostgres::start() else {
        return;
    };
    let store = claimkit_store::PostgresStore::connect(&postgres.url(PASSWORD))
        .await
        .unwrap();
    let address = serve(store.into()).await;
    assert_eq!(until(address, 200).await, r#"{"status":"ready"}"#);

    postgres.stop();
    not_ready(&until(address, 503).await);
    assert_eq!(
        get(address, "/livez").await.0,
        200,
        "liveness touches nothing"
    );
    postgres.restart();
    until(address, 200).await;
}
