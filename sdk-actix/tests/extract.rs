//! The adapter through actix-web's own harness: extraction, rejections, the
//! resource helper, configuration, tracing and background work.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use actix_http::Request;
use actix_web::body::BoxBody;
use actix_web::dev::{Payload, Service, ServiceResponse};
use actix_web::error::{InternalError, PayloadError};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse};
use claimkit::{ClaimToken, ErrorKind, PluginConfig, Reject, Secret};
use claimkit_actix::{after_response, plugin, Plugin, PluginErrorHandler};
use parity_tests::logs::Logs;
use serde::Deserialize;
use serde_json::json;

const SECRET: &str = "adapter-secret";

#[derive(Debug, Deserialize)]
struct Inputs {
    code: String,
    count: u32,
}

async fn redeem(request: Plugin<Inputs>) -> Result<ClaimToken, Reject> {
    match request.inputs().code.as_str() {
        "OK" => Ok(ClaimToken::new(format!("tok-{}", request.inputs().count))),
        _ => Err(Reject::forbidden("unknown code")),
    }
}

fn config() -> PluginConfig {
    PluginConfig::new(Secret::new(SECRET).unwrap()).with_body_limit(256)
}

async fn app(
) -> impl Service<Request, Response = ServiceResponse<BoxBody>, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(config())
            .service(plugin("/redeem", redeem)),
    )
    .await
}

struct Answer {
    status: StatusCode,
    body: String,
    content_type: Option<String>,
    allow: Option<String>,
}

async fn call(
    app: &impl Service<Request, Response = ServiceResponse<BoxBody>, Error = actix_web::Error>,
    request: Request,
) -> Answer {
    let response = test::call_service(app, request).await;
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|value: &header::HeaderValue| value.to_str().unwrap().to_owned())
    };
    let content_type = header(header::CONTENT_TYPE);
    let allow = header(header::ALLOW);
    let body = test::read_body(response).await;
    Answer {
        status,
        body: String::from_utf8(body.to_vec()).unwrap(),
        content_type,
        allow,
    }
}

fn post_json(uri: &str, body: serde_json::Value) -> Request {
    TestRequest::post()
        .uri(uri)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(body.to_string())
        .to_request()
}

fn message(text: &str) -> String {
    json!({ "message": text }).to_string()
}

#[actix_web::test]
async fn typed_inputs_from_body_and_query() {
    let app = app().await;
    let answer = call(
        &app,
        post_json(
            "/redeem",
            json!({"pluginSecret": SECRET, "code": "OK", "count": 3}),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, r#"{"claimToken":"tok-3"}"#);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));

    let request = TestRequest::get()
        .uri(&format!("/redeem?pluginSecret={SECRET}&code=OK&count=7"))
        .to_request();
    let answer = call(&app, request).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, r#"{"claimToken":"tok-7"}"#)
    );

    for method in [TestRequest::put(), TestRequest::delete()] {
        let request = method
            .uri("/redeem")
            .set_payload(json!({"pluginSecret": SECRET, "code": "OK", "count": 5}).to_string())
            .to_request();
        let answer = call(&app, request).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, r#"{"claimToken":"tok-5"}"#)
        );
    }

    let answer = call(
        &app,
        post_json(
            "/redeem",
            json!({"pluginSecret": SECRET, "code": "NO", "count": 1}),
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::FORBIDDEN, r#"{"message":"unknown code"}"#)
    );
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
}

#[actix_web::test]
async fn rejections_are_json_messages() {
    let app = app().await;
    let cases = [
        (
            post_json("/redeem", json!({"code": "OK", "count": 1})),
            401,
            "missing plugin secret",
        ),
        (
            post_json(
                "/redeem",
                json!({"pluginSecret": "x", "code": "OK", "count": 1}),
            ),
            401,
            "invalid plugin secret",
        ),
        (
            post_json(
                "/redeem",
                json!({"pluginSecret": SECRET, "code": "OK", "count": "many"}),
            ),
            400,
            "invalid field `count`: expected u32, found string",
        ),
        (
            post_json(
                "/redeem",
                json!({"pluginSecret": SECRET, "code": "OK", "count": 1, "pad": "x".repeat(300)}),
            ),
            413,
            "request body too large: the limit is 256 bytes",
        ),
        (
            TestRequest::post()
                .uri("/redeem")
                .insert_header((header::CONTENT_TYPE, "text/plain"))
                .set_payload("{}")
                .to_request(),
            415,
            "unsupported content type: expected application/json",
        ),
        (
            TestRequest::post()
                .uri("/redeem")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(r#"{"pluginSecret":"#)
                .to_request(),
            400,
            "",
        ),
        (
            TestRequest::get()
                .uri("/redeem?pluginSecret=wrong&code=OK&count=1")
                .to_request(),
            401,
            "invalid plugin secret",
        ),
        (
            TestRequest::get()
                .uri(&format!("/redeem?pluginSecret={SECRET}&code=OK&count=lots"))
                .to_request(),
            400,
            "",
        ),
    ];
    for (request, status, text) in cases {
        let answer = call(&app, request).await;
        assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        if text.is_empty() {
            let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        } else {
            assert_eq!(answer.body, message(text));
        }
    }
    for method in ["PATCH", "HEAD", "OPTIONS", "TRACE"] {
        let request = TestRequest::default()
            .method(method.parse().unwrap())
            .uri("/redeem")
            .to_request();
        let answer = call(&app, request).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(answer.allow.as_deref(), Some("GET, POST, PUT, DELETE"));
        assert_eq!(
            answer.body,
            message("method not allowed: expected GET, POST, PUT or DELETE")
        );
    }
}

#[actix_web::test]
async fn the_limit_holds_while_the_body_streams() {
    let app = app().await;
    // No Content-Length, as with a chunked body: the limit is enforced while
    // the payload is read.
    let mut request = post_json(
        "/redeem",
        json!({"pluginSecret": SECRET, "code": "OK", "count": 1, "pad": "x".repeat(300)}),
    );
    request.headers_mut().remove(header::CONTENT_LENGTH);
    let answer = call(&app, request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        answer.body,
        message("request body too large: the limit is 256 bytes")
    );

    let mut request = post_json(
        "/redeem",
        json!({"pluginSecret": SECRET, "code": "OK", "count": 2}),
    );
    request.headers_mut().remove(header::CONTENT_LENGTH);
    let answer = call(&app, request).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, r#"{"claimToken":"tok-2"}"#)
    );
}

/// A payload that breaks off after its first chunk.
struct BrokenPayload(bool);

impl futures_core::Stream for BrokenPayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0 {
            return Poll::Ready(Some(Err(PayloadError::Incomplete(None))));
        }
        self.0 = true;
        Poll::Ready(Some(Ok(Bytes::from_static(br#"{"pluginSecret":"#))))
    }
}

#[actix_web::test]
async fn a_broken_body_is_the_callers_fault() {
    let app = app().await;
    let request = TestRequest::post()
        .uri("/redeem")
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .to_request();
    let (request, _) = request.replace_payload(Payload::Stream {
        payload: Box::pin(BrokenPayload(false)) as actix_http::BoxedPayloadStream,
    });
    let answer = call(&app, request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body, message("the request body could not be read"));
}

fn teapot() -> PluginErrorHandler {
    PluginErrorHandler::new(|err, _request| {
        let answer = HttpResponse::ImATeapot().body(format!("teapot: {:?}", err.kind()));
        InternalError::from_response(err, answer).into()
    })
}

#[actix_web::test]
async fn the_rejection_can_be_swapped() {
    async fn handler(_: Plugin<serde_json::Value>) -> &'static str {
        "ok"
    }
    let plain = test::init_service(
        App::new()
            .app_data(config())
            .app_data(teapot())
            .route("/", web::post().to(handler)),
    )
    .await;
    let in_data = test::init_service(
        App::new()
            .app_data(web::Data::new(config()))
            .app_data(web::Data::new(teapot()))
            .route("/", web::post().to(handler)),
    )
    .await;
    check_teapot(&plain).await;
    check_teapot(&in_data).await;
}

async fn check_teapot(
    app: &impl Service<Request, Response = ServiceResponse<BoxBody>, Error = actix_web::Error>,
) {
    let answer = call(app, post_json("/", json!({"pluginSecret": "bad"}))).await;
    assert_eq!(answer.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(
        answer.body,
        format!("teapot: {:?}", ErrorKind::InvalidSecret)
    );
    let answer = call(app, post_json("/", json!({"pluginSecret": SECRET}))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "ok")
    );
}

#[actix_web::test]
async fn configuration_in_web_data_and_scopes() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(config()))
            .service(plugin("/redeem", redeem))
            .service(
                web::scope("/other")
                    .app_data(PluginConfig::new(Secret::new("other-secret").unwrap()))
                    .service(plugin("/redeem", redeem)),
            ),
    )
    .await;
    let body = json!({"pluginSecret": SECRET, "code": "OK", "count": 9});
    let answer = call(&app, post_json("/redeem", body.clone())).await;
    assert_eq!(answer.status, StatusCode::OK);
    // The closest registration wins.
    let answer = call(&app, post_json("/other/redeem", body)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = call(
        &app,
        post_json(
            "/other/redeem",
            json!({"pluginSecret": "other-secret", "code": "OK", "count": 9}),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_missing_configuration_is_a_logged_500() {
    let logs = Logs::default();
    let _guard = logs.start();
    let app = test::init_service(App::new().service(plugin("/redeem", redeem))).await;
    let answer = call(
        &app,
        post_json(
            "/redeem",
            json!({"pluginSecret": SECRET, "code": "OK", "count": 1}),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, message("internal error"));
    let text = logs.text();
    assert!(
        text.contains("ERROR") && text.contains("no claimkit::PluginConfig is registered"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");
}

#[actix_web::test]
async fn calls_are_traced_without_secrets() {
    let logs = Logs::default();
    let _guard = logs.start();
    let app = app().await;
    let request = TestRequest::get()
        .uri(&format!(
            "/redeem?pluginSecret={SECRET}&claimId=c-7&claimAttemptId=a-7&code=OK&count=1"
        ))
        .to_request();
    assert_eq!(call(&app, request).await.status, StatusCode::OK);
    let answer = call(&app, post_json("/redeem", json!({"pluginSecret": "guess"}))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
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

#[actix_web::test]
async fn background_work_is_contained() {
    let logs = parity_tests::logs::Logs::default();
    let _guard = logs.start();
    async fn buggy() {
        panic!("a bug in post-claim work")
    }
    let panicked = after_response(buggy());
    assert!(
        panicked.await.is_ok(),
        "the panic is caught and logged, not propagated"
    );
    let failed = after_response(async { Err::<(), _>("remote API down") });
    assert!(failed.await.is_ok());
    let text = logs.text();
    assert!(
        text.contains("background task panicked") && text.contains("a bug in post-claim work"),
        "{text}"
    );
    assert!(
        text.contains("background task failed") && text.contains("remote API down"),
        "{text}"
    );
    let (sender, receiver) = std::sync::mpsc::channel();
    after_response(async move {
        sender.send(42).unwrap();
    })
    .await
    .unwrap();
    assert_eq!(receiver.recv().unwrap(), 42);
}

#[actix_web::test]
async fn handlers_answer_first_and_act_later() {
    let (sender, receiver) = std::sync::mpsc::channel::<&'static str>();
    let sender = Arc::new(Mutex::new(sender));
    let app = test::init_service(App::new().app_data(config()).service(plugin(
        "/hook",
        move |_: Plugin| {
            let sender = sender.clone();
            async move {
                after_response(async move {
                    sender.lock().unwrap().send("acted").unwrap();
                });
                claimkit::Stateless
            }
        },
    )))
    .await;
    let answer = call(&app, post_json("/hook", json!({"pluginSecret": SECRET}))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "{}")
    );
    // The task runs on the worker once the handler has answered.
    actix_web::rt::task::yield_now().await;
    assert_eq!(
        receiver.recv_timeout(std::time::Duration::from_secs(5)),
        Ok("acted")
    );
}
