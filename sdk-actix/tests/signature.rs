//! Signed webhooks through actix-web: the middleware and the wrapper
//! extractor, case for case as in `claimkit-axum`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse};
use claimkit::claimr::ClaimrEvent;
use claimkit::signature::{Delivery, HmacScheme, HmacVerifier, StandardWebhooks, WebhookGate};
use claimkit::testing::{Fault, Signer};
use claimkit::Secret;
use claimkit_actix::{webhook, Signature, Signed};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const CLAIMR: &str = "claimr-adapter-secret";

#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn signed(headers: Vec<(String, String)>, body: impl Into<web::Bytes>) -> TestRequest {
    let mut request = TestRequest::post().uri("/hook");
    for (name, value) in headers {
        request = request.insert_header((name, value));
    }
    request.set_payload(body.into())
}

async fn answer(response: ServiceResponse) -> (StatusCode, String) {
    let status = response.status();
    let body = test::read_body(response).await;
    (status, String::from_utf8(body.to_vec()).unwrap())
}

macro_rules! standard_app {
    ($calls:expr, $fail:expr) => {{
        let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap()).with_body_limit(1024);
        let calls: Calls = $calls;
        let fail: bool = $fail;
        test::init_service(
            App::new().app_data(web::Data::new(calls)).service(
                web::resource("/hook")
                    .route(web::post().to(move |request: HttpRequest, body: String, calls: web::Data<Calls>| async move {
                        calls.0.fetch_add(1, Ordering::SeqCst);
                        if fail {
                            return HttpResponse::InternalServerError().finish();
                        }
                        let id = request.extensions().get::<Delivery>().unwrap().id().unwrap().to_owned();
                        HttpResponse::Ok().body(format!("{id}:{body}"))
                    }))
                    .wrap(Signature::new(gate)),
            ),
        )
        .await
    }};
}

#[actix_web::test]
async fn the_middleware_verifies_and_runs_each_delivery_once() {
    let calls = Calls::default();
    let app = standard_app!(calls.clone(), false);
    let body = r#"{"type":"user.created"}"#;
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_1")
        .sign(body.as_bytes());
    let (status, text) =
        answer(test::call_service(&app, signed(headers.clone(), body).to_request()).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text,
        format!("msg_1:{body}"),
        "the body reaches the handler untouched"
    );
    let (status, text) =
        answer(test::call_service(&app, signed(headers, body).to_request()).await).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, "{}"),
        "a redelivery is acknowledged"
    );
    assert_eq!(calls.count(), 1);
}

#[actix_web::test]
async fn a_failed_handler_gets_the_retry() {
    let calls = Calls::default();
    let app = standard_app!(calls.clone(), true);
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_2")
        .sign(b"{}");
    for _ in 0..3 {
        let response = test::call_service(&app, signed(headers.clone(), "{}").to_request()).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_eq!(calls.count(), 3);
}

/// actix-web only: an inner middleware may fail with an `Err` rather than
/// answer; that is a failure too, and the retry runs again.
#[actix_web::test]
async fn an_inner_middleware_error_gets_the_retry() {
    let calls = Calls::default();
    let counted = calls.clone();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = test::init_service(
        App::new().service(
            web::resource("/hook")
                .route(web::post().to(HttpResponse::Ok))
                .wrap_fn(move |_, _| {
                    counted.0.fetch_add(1, Ordering::SeqCst);
                    std::future::ready(Err::<ServiceResponse, _>(
                        actix_web::error::ErrorServiceUnavailable("down"),
                    ))
                })
                .wrap(Signature::new(gate)),
        ),
    )
    .await;
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_3")
        .sign(b"{}");
    for _ in 0..3 {
        let err = test::try_call_service(&app, signed(headers.clone(), "{}").to_request())
            .await
            .err()
            .unwrap();
        assert_eq!(
            err.as_response_error().status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert_eq!(calls.count(), 3);
}

#[actix_web::test]
async fn bad_deliveries_are_refused_with_a_message() {
    let calls = Calls::default();
    let app = standard_app!(calls.clone(), false);
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
        let (got, text) =
            answer(test::call_service(&app, signed(headers, &body[..]).to_request()).await).await;
        assert_eq!(got.as_u16(), status, "{text}");
        let message: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            message["message"].as_str().unwrap().contains(needle),
            "{text}"
        );
    }
    let headers = signer().sign(body);
    let mut request = signed(headers.clone(), &body[..]).to_request();
    request.headers_mut().append(
        "webhook-signature".parse().unwrap(),
        headers[2].1.parse().unwrap(),
    );
    assert_eq!(
        test::call_service(&app, request).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(calls.count(), 0);
}

#[actix_web::test]
async fn bodies_over_the_limit_are_refused_before_verifying() {
    let app = standard_app!(Calls::default(), false);
    let big = vec![b'x'; 2048];
    let headers = Signer::standard(WHSEC).unwrap().sign(&big);
    let (status, text) =
        answer(test::call_service(&app, signed(headers.clone(), big.clone()).to_request()).await)
            .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        text,
        r#"{"message":"request body too large: the limit is 1024 bytes"}"#
    );
    // No Content-Length: the limit holds while reading.
    let mut request = signed(headers, big).to_request();
    request.headers_mut().remove("content-length");
    let (status, _) = answer(test::call_service(&app, request).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[actix_web::test]
async fn the_extractor_hands_the_body_to_json() {
    async fn handler(calls: web::Data<Calls>, event: Signed<web::Json<ClaimrEvent>>) -> String {
        calls.0.fetch_add(1, Ordering::SeqCst);
        format!("{} {}", event.delivery().id().unwrap(), event.scope)
    }
    let calls = Calls::default();
    let gate = WebhookGate::new(
        HmacVerifier::new(HmacScheme::claimr(), Secret::new(CLAIMR).unwrap()).unwrap(),
    );
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(gate))
            .app_data(web::Data::new(calls.clone()))
            .service(webhook("/hook", handler)),
    )
    .await;
    let json = |headers: Vec<(String, String)>, body: &'static str| {
        signed(headers, body)
            .insert_header(("content-type", "application/json"))
            .to_request()
    };
    let body = include_str!("../../sdk-core/tests/fixtures/webhooks/claimr-user-activity.json");
    let headers = Signer::claimr(CLAIMR).sign(body.as_bytes());
    let (status, text) = answer(test::call_service(&app, json(headers.clone(), body)).await).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "lisjywHXKAq6yQe2bH6Pd user_activity");
    let (status, text) = answer(test::call_service(&app, json(headers, body)).await).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "{}"));
    assert_eq!(calls.count(), 1);

    // A signed body the inner extractor refuses is forgotten: a corrected
    // retry of the same id runs.
    let broken = r#"{"id": "d-9", "scope": "user_login", "#;
    let (status, _) = answer(
        test::call_service(
            &app,
            json(Signer::claimr(CLAIMR).sign(broken.as_bytes()), broken),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fixed = r#"{"id": "d-9", "scope": "user_login"}"#;
    let (status, text) = answer(
        test::call_service(
            &app,
            json(Signer::claimr(CLAIMR).sign(fixed.as_bytes()), fixed),
        )
        .await,
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "d-9 user_login"));

    let (status, text) =
        answer(test::call_service(&app, json(Signer::claimr("wrong").sign(b"{}"), "{}")).await)
            .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    let response = test::call_service(&app, TestRequest::get().uri("/hook").to_request()).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers().get("allow").unwrap(), "POST");
}

#[actix_web::test]
async fn a_handler_that_never_finishes_gets_the_retry() {
    // The first call hangs until its future is dropped (as at a deadline or
    // when the sender hangs up); later calls answer.
    let calls = Calls::default();
    let gate = WebhookGate::new(StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap());
    let app = test::init_service(
        App::new().app_data(web::Data::new(calls.clone())).service(
            web::resource("/hook")
                .route(web::post().to(|calls: web::Data<Calls>| async move {
                    if calls.0.fetch_add(1, Ordering::SeqCst) == 0 {
                        std::future::pending::<()>().await;
                    }
                    HttpResponse::Ok().body("done")
                }))
                .wrap(Signature::new(gate)),
        ),
    )
    .await;
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_hang")
        .sign(b"{}");

    let cut = actix_web::rt::time::timeout(
        std::time::Duration::from_millis(100),
        test::call_service(&app, signed(headers.clone(), "{}").to_request()),
    )
    .await;
    assert!(cut.is_err(), "the first call never answers");
    // The guard's clean-up runs as a task of its own.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;

    let response = test::call_service(&app, signed(headers.clone(), "{}").to_request()).await;
    assert_eq!(answer(response).await, (StatusCode::OK, "done".to_owned()));
    assert_eq!(calls.count(), 2, "the retry ran the handler");

    let response = test::call_service(&app, signed(headers, "{}").to_request()).await;
    assert_eq!(answer(response).await, (StatusCode::OK, "{}".to_owned()));
    assert_eq!(calls.count(), 2, "then it is done, once");
}

/// actix-web only: an extractor can answer early only with an error; the
/// `webhook` route turns the `Signed` extractor's acknowledgement of a
/// redelivery back into a plain response, which middleware and logs do not
/// count as a failure.
#[actix_web::test]
async fn a_redelivery_through_the_extractor_is_a_response_not_an_error() {
    async fn handler(event: Signed<web::Bytes>) -> String {
        event.delivery().id().unwrap_or_default().to_owned()
    }
    let gate = WebhookGate::new(
        HmacVerifier::new(HmacScheme::claimr(), Secret::new(CLAIMR).unwrap()).unwrap(),
    );
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(gate))
            .service(webhook("/hook", handler)),
    )
    .await;
    let body = r#"{"id": "d-ack", "scope": "user_login"}"#;
    let headers = Signer::claimr(CLAIMR).sign(body.as_bytes());
    let first = test::call_service(&app, signed(headers.clone(), body).to_request()).await;
    assert!(first.response().error().is_none());
    assert_eq!(answer(first).await, (StatusCode::OK, "d-ack".to_owned()));
    let again = test::call_service(&app, signed(headers, body).to_request()).await;
    assert!(
        again.response().error().is_none(),
        "{:?}",
        again.response().error()
    );
    assert_eq!(
        again.headers().get("content-type").unwrap(),
        claimkit::CONTENT_TYPE
    );
    assert_eq!(answer(again).await, (StatusCode::OK, "{}".to_owned()));
    // A refusal is still an error.
    let forged = Signer::claimr("wrong").sign(body.as_bytes());
    let refused = test::call_service(&app, signed(forged, body).to_request()).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.response().error().is_some());
}
