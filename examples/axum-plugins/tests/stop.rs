//! The server's stop: a call in flight is answered, an idle keep-alive
//! connection is closed at once, and `serve` returns without waiting out
//! its drain time.

use std::time::{Duration, Instant};

use axum::routing::post;
use axum::Router;
use example_axum_plugins::serve;
use parity_tests::keep_alive::KeepAlive;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(800)).await;
    "{}"
}

#[tokio::test]
async fn a_stop_answers_the_call_in_flight_and_closes_idle_connections() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/slow", post(slow))
        .route("/fast", post(|| async { "{}" }));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app, async {
        let _ = stopped.await;
    }));

    // A connection left idle after one call, as a keep-alive client leaves it.
    let mut idle = KeepAlive::new(address);
    assert_eq!(idle.post("/fast", b"{}").await.unwrap().status(), 200);
    // Another call is in flight when the stop comes.
    let mut busy = KeepAlive::new(address);
    let in_flight = tokio::spawn(async move { busy.post("/slow", b"{}").await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopping = Instant::now();
    stop.send(()).unwrap();
    let answer = in_flight
        .await
        .unwrap()
        .expect("the call in flight is answered");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.body, b"{}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("serve returns once its connections are closed")
        .unwrap()
        .unwrap();
    // Far less than the 10 s an open connection could take to finish: the
    // idle one was closed, not waited for.
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "the stop took {:?}",
        stopping.elapsed()
    );
    // No new connection is taken.
    assert!(TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn a_stop_closes_a_connection_that_never_sent_a_request() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        Router::new().route("/fast", post(|| async { "{}" })),
        async {
            let _ = stopped.await;
        },
    ));
    let mut silent = TcpStream::connect(address).await.unwrap();
    // Let the server take the connection and start reading its head.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("serve returns without waiting for the silent connection")
        .unwrap()
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), silent.read_to_end(&mut rest))
        .await
        .expect("the connection is closed");
    assert!(read.is_ok_and(|n| n == 0) || rest.is_empty(), "{rest:?}");
}
