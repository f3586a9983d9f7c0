//! Calls are traced with their claim fields, webhook deliveries with their
//! id, never with a secret or a signature.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use claimkit::signature::{StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, Signer};
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
