//! Webhook deliveries are traced with their id, never with a secret or a
//! signature. (Plugin calls: `calls_are_traced_without_secrets` in
//! `extract.rs`.)

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App};
use claimkit::signature::{StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, KeyPair, Signer};
use claimkit::{Secret, Stateless};
use claimkit_actix::Signature;
use parity_tests::logs::Logs;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[actix_web::test]
async fn deliveries_are_traced_without_signatures() {
    let logs = Logs::default();
    let _guard = logs.start();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = test::init_service(
        App::new().service(
            web::resource("/hook")
                .route(web::post().to(|| async { Stateless }))
                .wrap(Signature::new(gate)),
        ),
    )
    .await;
    let signer = || Signer::standard(WHSEC).unwrap().with_id("msg_trace");
    let good = signer().sign(b"{}");
    let forged = signer().with_fault(Fault::WrongSecret).sign(b"{}");
    for (headers, status) in [
        (good.clone(), StatusCode::OK),
        (forged.clone(), StatusCode::UNAUTHORIZED),
    ] {
        let mut request = TestRequest::post().uri("/hook");
        for (name, value) in headers {
            request = request.insert_header((name, value));
        }
        let request = request.set_payload("{}").to_request();
        assert_eq!(test::call_service(&app, request).await.status(), status);
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

#[actix_web::test]
async fn public_keys_pass_v1a_and_refuse_v1_saying_why_in_the_log_only() {
    let logs = Logs::default();
    let _guard = logs.start();
    let keys = KeyPair::generate();
    let verifier = StandardWebhooks::from_public_keys([keys.public_key()]).unwrap();
    let app = test::init_service(
        App::new().service(
            web::resource("/hook")
                .route(web::post().to(|| async { Stateless }))
                .wrap(Signature::new(WebhookGate::new(verifier))),
        ),
    )
    .await;
    let request = |headers: Vec<(String, String)>| {
        let mut request = TestRequest::post().uri("/hook");
        for (name, value) in headers {
            request = request.insert_header((name, value));
        }
        request.set_payload("{}").to_request()
    };
    let v1a = Signer::standard_ed25519(&keys.private_key())
        .unwrap()
        .with_id("msg_v1a")
        .sign(b"{}");
    assert_eq!(
        test::call_service(&app, request(v1a)).await.status(),
        StatusCode::OK
    );

    let v1 = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_v1")
        .sign(b"{}");
    let response = test::call_service(&app, request(v1.clone())).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
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
