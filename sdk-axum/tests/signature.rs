//! Signed webhooks through axum: the layer and the wrapper extractor.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Extension, Json, Router};
use claimkit::claimr::ClaimrEvent;
use claimkit::signature::{Delivery, HmacScheme, HmacVerifier, StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, Signer};
use claimkit::Secret;
use claimkit_axum::{webhook, SignatureLayer, Signed};
use tower::ServiceExt;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const CLAIMR: &str = "claimr-adapter-secret";

#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

fn standard_app(calls: Calls, fail: bool) -> Router {
    async fn handler(
        State(calls): State<Calls>,
        Extension(delivery): Extension<Delivery>,
        body: String,
    ) -> (StatusCode, String) {
        calls.0.fetch_add(1, Ordering::SeqCst);
        (StatusCode::OK, format!("{}:{body}", delivery.id().unwrap()))
    }
    async fn failing(State(calls): State<Calls>) -> StatusCode {
        calls.0.fetch_add(1, Ordering::SeqCst);
        StatusCode::INTERNAL_SERVER_ERROR
    }
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap())
        .with_body_limit(1024);
    let route = if fail { post(failing) } else { post(handler) };
    Router::new()
        .route("/hook", route.layer(SignatureLayer::new(gate)))
        .with_state(calls)
}

fn signed(headers: Vec<(String, String)>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post("/hook");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(body.into()).unwrap()
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_layer_verifies_and_runs_each_delivery_once() {
    let calls = Calls::default();
    let app = standard_app(calls.clone(), false);
    let body = r#"{"type":"user.created"}"#;
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_1")
        .sign(body.as_bytes());

    let (status, answer) = send(&app, signed(headers.clone(), body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer,
        format!("msg_1:{body}"),
        "the body reaches the handler untouched"
    );

    let (status, answer) = send(&app, signed(headers, body)).await;
    assert_eq!(
        (status, answer.as_str()),
        (StatusCode::OK, "{}"),
        "a redelivery is acknowledged"
    );
    assert_eq!(calls.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_handler_gets_the_retry() {
    let calls = Calls::default();
    let app = standard_app(calls.clone(), true);
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_2")
        .sign(b"{}");
    for _ in 0..3 {
        let (status, _) = send(&app, signed(headers.clone(), "{}")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn bad_deliveries_are_refused_with_a_message() {
    let calls = Calls::default();
    let app = standard_app(calls.clone(), false);
    let body = b"{}";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signer = || Signer::standard(WHSEC).unwrap();
    let cases = [
        (Vec::new(), 400, "missing"),
        (
            signer().with_fault(Fault::WrongSecret).sign(body),
            401,
            "invalid signature",
        ),
        (
            signer().with_fault(Fault::FlippedByte).sign(body),
            401,
            "invalid signature",
        ),
        (
            signer().with_fault(Fault::EmptySignature).sign(body),
            401,
            "invalid signature",
        ),
        (
            signer().with_timestamp(now - 301).sign(body),
            401,
            "tolerance",
        ),
        (
            signer().with_timestamp(now + 301).sign(body),
            401,
            "tolerance",
        ),
    ];
    for (headers, status, needle) in cases {
        let (got, answer) = send(&app, signed(headers, &body[..])).await;
        assert_eq!(got.as_u16(), status, "{answer}");
        let message: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert!(
            message["message"].as_str().unwrap().contains(needle),
            "{answer}"
        );
    }
    let mut duplicated = signer().sign(body);
    duplicated.push(duplicated[2].clone());
    assert_eq!(
        send(&app, signed(duplicated, &body[..])).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(calls.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_verifying() {
    let app = standard_app(Calls::default(), false);
    let big = vec![b'x'; 2048];
    let headers = Signer::standard(WHSEC).unwrap().sign(&big);
    let mut request = signed(headers.clone(), big.clone());
    request
        .headers_mut()
        .insert("content-length", "2048".parse().unwrap());
    let (status, answer) = send(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        answer,
        r#"{"message":"request body too large: the limit is 1024 bytes"}"#
    );
    // No Content-Length: the limit holds while reading.
    let (status, _) = send(&app, signed(headers, big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_extractor_hands_the_body_to_json() {
    async fn handler(State(state): State<ClaimrState>, event: Signed<Json<ClaimrEvent>>) -> String {
        state.calls.0.fetch_add(1, Ordering::SeqCst);
        format!("{} {}", event.delivery().id().unwrap(), event.scope)
    }
    #[derive(Clone)]
    struct ClaimrState {
        gate: Arc<WebhookGate<HmacVerifier>>,
        calls: Calls,
    }
    impl axum::extract::FromRef<ClaimrState> for Arc<WebhookGate<HmacVerifier>> {
        fn from_ref(state: &ClaimrState) -> Self {
            state.gate.clone()
        }
    }
    let calls = Calls::default();
    let gate = WebhookGate::new(
        HmacVerifier::new(HmacScheme::claimr(), Secret::new(CLAIMR).unwrap()).unwrap(),
    );
    let app = Router::new()
        .route("/hook", webhook(handler))
        .with_state(ClaimrState {
            gate: Arc::new(gate),
            calls: calls.clone(),
        });
    let body = include_str!("../../sdk-core/tests/fixtures/webhooks/claimr-user-activity.json");
    let mut headers = Signer::claimr(CLAIMR).sign(body.as_bytes());
    headers.push(("content-type".into(), "application/json".into()));

    let (status, answer) = send(&app, signed(headers.clone(), body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer, "lisjywHXKAq6yQe2bH6Pd user_activity");
    let (status, answer) = send(&app, signed(headers, body)).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "{}"));
    assert_eq!(calls.0.load(Ordering::SeqCst), 1);

    // A signed body the inner extractor refuses is forgotten: a corrected
    // retry of the same id runs.
    let broken = r#"{"id": "d-9", "scope": "user_login", "#;
    let mut headers = Signer::claimr(CLAIMR).sign(broken.as_bytes());
    headers.push(("content-type".into(), "application/json".into()));
    let (status, _) = send(&app, signed(headers, broken)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fixed = r#"{"id": "d-9", "scope": "user_login"}"#;
    let mut headers = Signer::claimr(CLAIMR).sign(fixed.as_bytes());
    headers.push(("content-type".into(), "application/json".into()));
    let (status, answer) = send(&app, signed(headers, fixed)).await;
    assert_eq!(
        (status, answer.as_str()),
        (StatusCode::OK, "d-9 user_login")
    );

    let (status, answer) = send(&app, signed(Signer::claimr("wrong").sign(b"{}"), "{}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let response = app
        .clone()
        .oneshot(Request::get("/hook").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn a_handler_that_never_finishes_gets_the_retry() {
    // The first call hangs until its future is dropped (as at a deadline or
    // when the sender hangs up); later calls answer.
    async fn hangs_once(State(calls): State<Calls>) -> &'static str {
        if calls.0.fetch_add(1, Ordering::SeqCst) == 0 {
            std::future::pending::<()>().await;
        }
        "done"
    }
    let calls = Calls::default();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = Router::new()
        .route("/hook", post(hangs_once).layer(SignatureLayer::new(gate)))
        .with_state(calls.clone());
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_hang")
        .sign(b"{}");

    let cut = tokio::time::timeout(
        std::time::Duration::from_millis(100),
        send(&app, signed(headers.clone(), "{}")),
    )
    .await;
    assert!(cut.is_err(), "the first call never answers");
    // The guard's clean-up runs as a task of its own.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;

    let (status, answer) = send(&app, signed(headers.clone(), "{}")).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "done"));
    assert_eq!(
        calls.0.load(Ordering::SeqCst),
        2,
        "the retry ran the handler"
    );

    let (status, answer) = send(&app, signed(headers, "{}")).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "{}"));
    assert_eq!(calls.0.load(Ordering::SeqCst), 2, "then it is done, once");
}

#[tokio::test]
async fn a_handler_that_panics_gets_the_retry() {
    async fn panics_once(State(calls): State<Calls>) -> &'static str {
        if calls.0.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the handler's first run fails");
        }
        "done"
    }
    let calls = Calls::default();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = Router::new()
        .route("/hook", post(panics_once).layer(SignatureLayer::new(gate)))
        .with_state(calls.clone());
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_panic")
        .sign(b"{}");

    let first = tokio::spawn({
        let (app, request) = (app.clone(), signed(headers.clone(), "{}"));
        async move { send(&app, request).await }
    })
    .await;
    assert!(first.unwrap_err().is_panic());
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;

    let (status, answer) = send(&app, signed(headers, "{}")).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "done"));
    assert_eq!(
        calls.0.load(Ordering::SeqCst),
        2,
        "the retry ran the handler"
    );
}
