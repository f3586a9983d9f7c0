//! The handlers through axum's own harness, with the test kit: how a plugin
//! author tests a plugin without a network.

use axum::Router;
use claimkit::testing::{Fault, PluginCall, Signer};
use claimkit::{PluginConfig, Secret};
use claimkit_axum::testing::{plugin_request, webhook_request};
use example_axum_plugins::{app, WebhookSecrets};
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &str = "handlers-secret";
const WHSEC: &str = "whsec_aGFuZGxlcnMtd2ViaG9vay1zZWNyZXQ=";
/// A `v1a` key pair: the route holds the public key, the test signs with
/// the private one.
const WHSK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const WHPK: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

fn router() -> Router {
    let webhooks = WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new("handlers-claimr").unwrap(),
        public_keys: vec![WHPK.parse().unwrap()],
    };
    app(
        PluginConfig::new(Secret::new(SECRET).unwrap()),
        webhooks,
        claimkit_store::Store::memory(),
    )
    .unwrap()
}

async fn answer(app: &Router, request: axum::http::Request<axum::body::Body>) -> (u16, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn claim_numbers_through_the_harness() {
    let app = router();
    let call = |c: PluginCall| c.with_secret(SECRET);
    let route = "/plugins/claim-number";
    assert_eq!(
        answer(
            &app,
            plugin_request("POST", route, &call(PluginCall::executing("a")))
        )
        .await,
        (200, json!({"claimNumber": 0}))
    );
    assert_eq!(
        answer(
            &app,
            plugin_request("GET", route, &call(PluginCall::executing("b")))
        )
        .await,
        (200, json!({"claimNumber": 1}))
    );
    assert_eq!(
        answer(
            &app,
            plugin_request("PUT", route, &call(PluginCall::simulation()))
        )
        .await,
        (200, json!({"claimNumber": 2}))
    );
    assert_eq!(
        answer(
            &app,
            plugin_request("DELETE", route, &call(PluginCall::failure("a")))
        )
        .await,
        (200, json!({}))
    );
    assert_eq!(
        answer(
            &app,
            plugin_request("POST", route, &call(PluginCall::executing("c")))
        )
        .await,
        (200, json!({"claimNumber": 0}))
    );
    let (status, body) = answer(
        &app,
        plugin_request(
            "POST",
            route,
            &PluginCall::executing("d").with_secret("wrong"),
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "invalid plugin secret"}))
    );
}

#[tokio::test]
async fn claim_tokens_are_kept_per_attempt() {
    let app = router();
    let call = PluginCall::executing("t1")
        .with_secret(SECRET)
        .with_input("code", "WELCOME");
    let (_, first) = answer(&app, plugin_request("POST", "/plugins/claim-token", &call)).await;
    let (_, again) = answer(&app, plugin_request("GET", "/plugins/claim-token", &call)).await;
    assert_eq!(first, again);
    assert!(first["claimToken"]
        .as_str()
        .is_some_and(|t| !t.is_empty() && !t.contains('.')));
}

#[tokio::test]
async fn signed_webhooks_through_the_harness() {
    let app = router();
    let signer = Signer::standard(WHSEC).unwrap().with_id("msg_h1");
    let (status, body) = answer(
        &app,
        webhook_request("/webhooks/standard", &signer, r#"{"type":"x"}"#),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));
    let forged = Signer::standard("whsec_Zm9yZ2Vk").unwrap();
    let (status, _) = answer(&app, webhook_request("/webhooks/standard", &forged, "{}")).await;
    assert_eq!(status, 401);
    let (status, body) = answer(
        &app,
        webhook_request(
            "/webhooks/claimr",
            &Signer::claimr("handlers-claimr"),
            r#"{"id":"e1","scope":"referral"}"#,
        ),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));
}

#[tokio::test]
async fn ed25519_webhooks_through_the_harness() {
    let app = router();
    let route = "/webhooks/standard-ed25519";
    let signer = Signer::standard_ed25519(WHSK).unwrap().with_id("msg_e1");
    for _ in 0..2 {
        // The first runs the handler, the redelivery is acknowledged.
        let (status, body) = answer(&app, webhook_request(route, &signer, r#"{"type":"x"}"#)).await;
        assert_eq!((status, body), (200, json!({})));
    }
    let refused = [
        // Another key, a broken signature, a stale one.
        signer
            .clone()
            .with_id("msg_e2")
            .with_fault(Fault::WrongSecret),
        signer
            .clone()
            .with_id("msg_e3")
            .with_fault(Fault::FlippedByte),
        signer
            .clone()
            .with_id("msg_e4")
            .with_fault(Fault::StaleTimestamp),
        // A `v1` signature: this route holds no secret to check it with.
        Signer::standard(WHSEC).unwrap().with_id("msg_e5"),
    ];
    for forged in &refused {
        let (status, body) = answer(&app, webhook_request(route, forged, "{}")).await;
        assert_eq!(status, 401, "{forged:?}");
        assert!(body["message"].is_string(), "{body}");
    }
    // And the `v1` route ignores a `v1a` signature.
    let (status, _) = answer(&app, webhook_request("/webhooks/standard", &signer, "{}")).await;
    assert_eq!(status, 401);
}
