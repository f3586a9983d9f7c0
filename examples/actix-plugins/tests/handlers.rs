//! The handlers through actix-web's own harness, with the test kit: how a
//! plugin author tests a plugin without a network.

use actix_web::dev::ServiceResponse;
use actix_web::{test, App};
use claimkit::testing::{PluginCall, Signer};
use claimkit::{PluginConfig, Secret};
use claimkit_actix::testing::{plugin_request, webhook_request};
use example_actix_plugins::{app, WebhookSecrets};
use serde_json::{json, Value};

const SECRET: &str = "handlers-secret";
const WHSEC: &str = "whsec_aGFuZGxlcnMtd2ViaG9vay1zZWNyZXQ=";

fn routes() -> impl Fn(&mut actix_web::web::ServiceConfig) + Clone {
    let webhooks = WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new("handlers-claimr").unwrap(),
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
