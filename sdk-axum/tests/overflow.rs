//! A body over the limit, sent whole without `Expect: 100-continue` (as
//! Node's `http` and axios send it), over a real connection: the client
//! writes all of it and reads the `413 {"message"}`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use claimkit::signature::{StandardWebhooks, WebhookGate};
use claimkit::{PluginConfig, Secret, Stateless, DEFAULT_BODY_LIMIT};
use claimkit_axum::{plugin, SignatureLayer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Eight times the body limit: more than the socket buffers hold, so a
/// server that stops reading blocks the client until it closes.
const BODY: usize = 8 * DEFAULT_BODY_LIMIT;

async fn server() -> SocketAddr {
    async fn handler(_: claimkit_axum::Plugin) -> Stateless {
        Stateless
    }
    let gate = WebhookGate::new(
        StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap())
            .unwrap(),
    )
    .with_body_limit(DEFAULT_BODY_LIMIT);
    let app = Router::new()
        .route("/plugin", plugin(handler))
        .route(
            "/hook",
            post(|| async { Stateless }).layer(SignatureLayer::new(gate)),
        )
        .with_state(PluginConfig::new(Secret::new("s3cret").unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// The request as it goes on the wire: `Content-Length` or chunked.
fn request(path: &str, chunked: bool) -> Vec<u8> {
    let body = vec![b' '; BODY];
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {BODY}")
    };
    let mut wire = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Connection: close\r\n{framing}\r\n\r\n"
    )
    .into_bytes();
    if chunked {
        for chunk in body.chunks(16 * 1024) {
            wire.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            wire.extend_from_slice(chunk);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"0\r\n\r\n");
    } else {
        wire.extend_from_slice(&body);
    }
    wire
}

/// Writes the whole request, then reads the whole answer, as a client
/// without `Expect` does.
async fn send_whole(address: SocketAddr, wire: Vec<u8>) -> String {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // Paced like a client on a real network, so that it is still writing
    // when a server that does not drain answers and closes; the write half
    // stays open (no FIN) until the answer is read.
    let writer = tokio::spawn(async move {
        for piece in wire.chunks(32 * 1024) {
            write.write_all(piece).await?;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok::<_, std::io::Error>(write)
    });
    let mut answer = Vec::new();
    let reading = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut answer));
    reading
        .await
        .expect("the server answers in time")
        .expect("the connection is not reset before the answer is read");
    writer
        .await
        .unwrap()
        .expect("the whole body is written without EPIPE or a reset");
    String::from_utf8(answer).unwrap()
}

fn assert_413_message(answer: &str) {
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer:?}");
    let (_, body) = answer.split_once("\r\n\r\n").unwrap();
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("too large")),
        "{body}"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_read_and_answered_413() {
    let address = server().await;
    assert_413_message(&send_whole(address, request("/plugin", false)).await);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_read_and_answered_413() {
    let address = server().await;
    assert_413_message(&send_whole(address, request("/plugin", true)).await);
}

#[tokio::test]
async fn a_webhook_over_the_limit_is_read_and_answered_413() {
    let address = server().await;
    assert_413_message(&send_whole(address, request("/hook", false)).await);
    assert_413_message(&send_whole(address, request("/hook", true)).await);
}

#[tokio::test]
async fn a_keep_alive_client_sends_the_next_request_on_a_new_connection() {
    let address = server().await;
    parity_tests::keep_alive::a_refused_body_costs_no_next_request(address, "/plugin", "s3cret")
        .await;
}

#[tokio::test]
async fn a_refusal_that_leaves_the_body_unread_says_connection_close() {
    let address = server().await;
    parity_tests::keep_alive::a_refused_head_says_the_connection_closes(address, "/plugin").await;
    parity_tests::keep_alive::a_refused_head_says_the_connection_closes(address, "/hook").await;
}
