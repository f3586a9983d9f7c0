//! The handlers through actix-web's own harness, with the test kit: how a
//! plugin author tests a plugin without a network.

use actix_web::dev::ServiceResponse;
use actix_web::{test, App};
use claimkit::testing::{Fault, PluginCall, Signer};
use claimkit::{PluginConfig, Secret};
use claimkit_actix::testing::{plugin_request, webhook_request};
use example_actix_plugins::{app, WebhookSecrets};
use serde_json::{json, Value};

const SECRET: &str = "handlers-secret";
const WHSEC: &str = "whsec_aGFuZGxlcnMtd2ViaG9vay1zZWNyZXQ=";
/// A `v1a` key pair: the route holds the public key, the test signs with
/// the private one.
const WHSK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const WHPK: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

fn routes() -> impl Fn(&mut actix_web::web::ServiceConfig) + Clone {
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

async fn answer(response: ServiceResponse) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap())
}

#[actix_web::test]
async fn claim_numbers_through_the_harness() {
    let app = test::init_service(App::new().configure(routes())).await;
    let call = |c: PluginCall| c.with_secret(SECRET);
    let route = "/plugins/claim-number";
    let send = |method: &str, c: PluginCall| {
        test::call_service(&app, plugin_request(method, route, &c).to_request())
    };
    assert_eq!(
        answer(send("POST", call(PluginCall::executing("a"))).await).await,
        (200, json!({"claimNumber": 0}))
    );
    assert_eq!(
        answer(send("GET", call(PluginCall::executing("b"))).await).await,
        (200, json!({"claimNumber": 1}))
    );
    assert_eq!(
        answer(send("PUT", call(PluginCall::simulation())).await).await,
        (200, json!({"claimNumber": 2}))
    );
    assert_eq!(
        answer(send("DELETE", call(PluginCall::failure("a"))).await).await,
        (200, json!({}))
    );
    assert_eq!(
        answer(send("POST", call(PluginCall::executing("c"))).await).await,
        (200, json!({"claimNumber": 0}))
    );
    let forged = PluginCall::executing("d").with_secret("wrong");
    assert_eq!(
        answer(send("POST", forged).await).await,
        (401, json!({"message": "invalid plugin secret"}))
    );
}

#[actix_web::test]
async fn claim_tokens_are_kept_per_attempt() {
    let app = test::init_service(App::new().configure(routes())).await;
    let call = PluginCall::executing("t1")
        .with_secret(SECRET)
        .with_input("code", "WELCOME");
    let (_, first) = answer(
        test::call_service(
            &app,
            plugin_request("POST", "/plugins/claim-token", &call).to_request(),
        )
        .await,
    )
    .await;
    let (_, again) = answer(
        test::call_service(
            &app,
            plugin_request("GET", "/plugins/claim-token", &call).to_request(),
        )
        .await,
    )
    .await;
    assert_eq!(first, again);
    assert!(first["claimToken"]
        .as_str()
        .is_some_and(|t| !t.is_empty() && !t.contains('.')));
}

#[actix_web::test]
async fn signed_webhooks_through_the_harness() {
    let app = test::init_service(App::new().configure(routes())).await;
    let signer = Signer::standard(WHSEC).unwrap().with_id("msg_h1");
    let request = webhook_request("/webhooks/standard", &signer, r#"{"type":"x"}"#).to_request();
    assert_eq!(
        answer(test::call_service(&app, request).await).await,
        (200, json!({}))
    );
    let forged = Signer::standard("whsec_Zm9yZ2Vk").unwrap();
    let request = webhook_request("/webhooks/standard", &forged, "{}").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 401);
    let claimr = Signer::claimr("handlers-claimr");
    let request = webhook_request(
        "/webhooks/claimr",
        &claimr,
        r#"{"id":"e1","scope":"referral"}"#,
    )
    .to_request();
    assert_eq!(
        answer(test::call_service(&app, request).await).await,
        (200, json!({}))
    );
}

#[actix_web::test]
async fn ed25519_webhooks_through_the_harness() {
    let app = test::init_service(App::new().configure(routes())).await;
    let route = "/webhooks/standard-ed25519";
    let signer = Signer::standard_ed25519(WHSK).unwrap().with_id("msg_e1");
    for _ in 0..2 {
        // The first runs the handler, the redelivery is acknowledged.
        let request = webhook_request(route, &signer, r#"{"type":"x"}"#).to_request();
        assert_eq!(
            answer(test::call_service(&app, request).await).await,
            (200, json!({}))
        );
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
        let request = webhook_request(route, forged, "{}").to_request();
        let (status, body) = answer(test::call_service(&app, request).await).await;
        assert_eq!(status, 401, "{forged:?}");
        assert!(body["message"].is_string(), "{body}");
    }
    // And the `v1` route ignores a `v1a` signature.
    let request = webhook_request("/webhooks/standard", &signer, "{}").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 401);
}
