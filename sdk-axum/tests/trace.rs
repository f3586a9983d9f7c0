//! Calls are traced with their claim fields, webhook deliveries with their
//! id, never with a secret or a signature.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use claimkit::signature::{StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, KeyPair, Signer};
use claimkit::{PluginConfig, Secret, Stateless};
use claimkit_axum::{plugin, Plugin, SignatureLayer};
use parity_tests::logs::Logs;
use tower::ServiceExt;

const SECRET: &str = "trace-secret-1b2c3d";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test]
async fn calls_are_traced_without_secrets() {
    async fn allow(_: Plugin) -> Stateless {
        Stateless
    }
    let logs = Logs::default();
    let _guard = logs.start();
    let app = Router::new()
        .route("/redeem", plugin(allow))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()));
    let request = Request::get(format!(
        "/redeem?pluginSecret={SECRET}&claimId=c-7&claimAttemptId=a-7&code=OK"
    ))
    .body(Body::empty())
    .unwrap();
    assert_eq!(
        app.clone().oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
    let forged = Request::post("/redeem")
        .body(Body::from(r#"{"pluginSecret": "guess"}"#))
        .unwrap();
    assert_eq!(
        app.oneshot(forged).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let text = logs.text();
    assert!(
        text.contains(r#"plugin{method="GET" path="/redeem" claim_id="c-7" attempt_id="a-7""#),
        "{text}"
    );
    assert!(text.contains("answered status=200"), "{text}");
    assert!(
        text.contains("WARN") && text.contains("request refused"),
        "{text}"
    );
    assert!(!text.contains(SECRET) && !text.contains("guess"), "{text}");
}

#[tokio::test]
async fn deliveries_are_traced_without_signatures() {
    let logs = Logs::default();
    let _guard = logs.start();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = Router::new().route(
        "/hook",
        post(|| async { Stateless }).layer(SignatureLayer::new(gate)),
    );
    let signer = || Signer::standard(WHSEC).unwrap().with_id("msg_trace");
    let good = signer().sign(b"{}");
    let forged = signer().with_fault(Fault::WrongSecret).sign(b"{}");
    for (headers, status) in [
        (good.clone(), StatusCode::OK),
        (forged.clone(), StatusCode::UNAUTHORIZED),
    ] {
        let mut request = Request::post("/hook");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(Body::from("{}")).unwrap();
        assert_eq!(app.clone().oneshot(request).await.unwrap().status(), status);
    }
    let text = logs.text();
    assert!(
        text.contains(
            r#"webhook{method="POST" path="/hook" webhook_id="msg_trace"}: claimkit::trace: answered status=200"#
        ),
        "{text}"
    );
    assert!(
        text.contains("WARN")
            && text.contains(r#"webhook{method="POST" path="/hook"}"#)
            && text.contains("request refused"),
        "{text}"
    );
    for (name, value) in good.iter().chain(&forged) {
        if name == "webhook-signature" {
            assert!(!text.contains(value.trim_start_matches("v1,")), "{text}");
        }
    }
    assert!(!text.contains(WHSEC.trim_start_matches("whsec_")), "{text}");
}

#[tokio::test]
async fn public_keys_pass_v1a_and_refuse_v1_saying_why_in_the_log_only() {
    let logs = Logs::default();
    let _guard = logs.start();
    let keys = KeyPair::generate();
    let verifier = StandardWebhooks::from_public_keys([keys.public_key()]).unwrap();
    let app = Router::new().route(
        "/hook",
        post(|| async { Stateless }).layer(SignatureLayer::new(WebhookGate::new(verifier))),
    );
    let send = |headers: Vec<(String, String)>| {
        let mut request = Request::post("/hook");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        app.clone().oneshot(request.body(Body::from("{}")).unwrap())
    };
    let v1a = Signer::standard_ed25519(&keys.private_key())
        .unwrap()
        .with_id("msg_v1a")
        .sign(b"{}");
    assert_eq!(send(v1a).await.unwrap().status(), StatusCode::OK);

    let v1 = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_v1")
        .sign(b"{}");
    let response = send(v1.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(body.starts_with(r#"{"message":"#), "{body}");
    assert!(!body.contains("v1") && !body.contains("whpk"), "{body}");

    let text = logs.text();
    assert!(
        text.contains("WARN") && text.contains("only `v1` (HMAC) signatures"),
        "{text}"
    );
    assert!(!text.contains(v1[2].1.trim_start_matches("v1,")), "{text}");
    assert!(!text.contains(&keys.private_key()[5..]), "{text}");
}
