//! Both example servers, served as `main.rs` serves them, hold up on a
//! public port: a head that does not arrive in time is cut off, and an
//! oversized head is answered `431` by both.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use claimkit::{PluginConfig, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn config() -> PluginConfig {
    PluginConfig::new(Secret::new("hardening-secret").unwrap())
}

fn webhooks() -> (Secret, Secret) {
    (
        Secret::new("whsec_cGFyaXR5LXdlYmhvb2stc2VjcmV0").unwrap(),
        Secret::new("hardening-claimr-secret").unwrap(),
    )
}

async fn start_axum() -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    let app =
        example_axum_plugins::app(config(), webhooks, claimkit_store::Store::memory()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(example_axum_plugins::serve(
        listener,
        app,
        std::future::pending(),
    ));
    address
}

fn start_actix() -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    let routes =
        example_actix_plugins::app(config(), webhooks, claimkit_store::Store::memory()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            example_actix_plugins::serve(listener, routes)
                .unwrap()
                .await
                .unwrap();
        });
    });
    address
}

/// How long after the bound a closed connection may take to be noticed.
const SLACK: Duration = Duration::from_secs(10);

/// Sends `head` a byte every `drip` (all at once when zero) and never
/// finishes it; returns how long the server kept the connection open.
async fn held_open(address: SocketAddr, head: &[u8], drip: Duration) -> Duration {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).await.unwrap();
    let bound = example_axum_plugins::HEAD_TIMEOUT + SLACK;
    let (mut read, mut write) = stream.split();
    let dripping = async {
        if drip.is_zero() {
            let _ = write.write_all(head).await;
        } else {
            for byte in head {
                if write.write_all(&[*byte]).await.is_err() {
                    break;
                }
                tokio::time::sleep(drip).await;
            }
        }
        std::future::pending::<()>().await;
    };
    let closed = async {
        let mut sink = Vec::new();
        // Either an end of stream or a reset: the connection is closed.
        let _ = read.read_to_end(&mut sink).await;
    };
    let raced = tokio::time::timeout(bound, async {
        tokio::select! {
            () = dripping => {}
            () = closed => {}
        }
    })
    .await;
    assert!(
        raced.is_ok(),
        "the connection was still open after {bound:?}"
    );
    started.elapsed()
}

#[tokio::test]
async fn both_servers_keep_the_same_head_bound() {
    assert_eq!(
        example_axum_plugins::HEAD_TIMEOUT,
        example_actix_plugins::HEAD_TIMEOUT
    );
}

#[tokio::test]
async fn a_head_that_never_completes_is_cut_off_within_the_bound() {
    let (axum, actix) = (start_axum().await, start_actix());
    let partial = b"POST /plugins/stateless HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    let drip =
        b"POST /plugins/stateless HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1234567890abcdef\r\n";
    let zero = Duration::ZERO;
    let slow = Duration::from_millis(100);
    let held = tokio::join!(
        held_open(axum, b"", zero),
        held_open(axum, partial, zero),
        held_open(axum, drip, slow),
        held_open(actix, b"", zero),
        held_open(actix, partial, zero),
        held_open(actix, drip, slow),
    );
    for open in [held.0, held.1, held.2, held.3, held.4, held.5] {
        assert!(open >= Duration::from_secs(1), "closed too early: {open:?}");
    }
}

/// Sends a head with `headers` extra headers of `size` bytes each, and
/// returns the status the server answered.
async fn status_for_head(address: SocketAddr, headers: usize, size: usize) -> u16 {
    let mut head = String::from("POST /plugins/stateless HTTP/1.1\r\nHost: localhost\r\n");
    for i in 0..headers {
        head.push_str(&format!("X-Filler-{i}: {}\r\n", "a".repeat(size)));
    }
    head.push_str("Content-Length: 0\r\n\r\n");
    let mut stream = TcpStream::connect(address).await.unwrap();
    // The server may refuse and close before reading all of it.
    let _ = stream.write_all(head.as_bytes()).await;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let reading = tokio::time::timeout(Duration::from_secs(10), async {
        while !answer.windows(2).any(|w| w == b"\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    });
    reading.await.expect("an answer in time");
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {line:?}"))
}

#[tokio::test]
async fn an_oversized_head_is_answered_431_by_both() {
    let (axum, actix) = (start_axum().await, start_actix());
    // 200 KB of headers in 50 headers; then 120 small headers; then 97
    // (with `Host` and `Content-Length`), one over the bound of both.
    for (headers, size) in [(50, 4000), (120, 8), (95, 8)] {
        let (axum, actix) = tokio::join!(
            status_for_head(axum, headers, size),
            status_for_head(actix, headers, size)
        );
        assert_eq!(
            (axum, actix),
            (431, 431),
            "{headers} headers of {size} bytes"
        );
    }
    // A head within the bounds reaches the plugin (an empty body is `400`).
    assert_eq!(status_for_head(axum, 20, 1000).await, 400);
    assert_eq!(status_for_head(actix, 20, 1000).await, 400);
    // 96 headers, the most both take.
    assert_eq!(status_for_head(axum, 94, 8).await, 400);
    assert_eq!(status_for_head(actix, 94, 8).await, 400);
}
