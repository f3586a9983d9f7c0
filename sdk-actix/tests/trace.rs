//! Webhook deliveries are traced with their id, never with a secret or a
//! signature. (Plugin calls: `calls_are_traced_without_secrets` in
//! `extract.rs`.)

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App};
use claimkit::signature::{StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, Signer};
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
