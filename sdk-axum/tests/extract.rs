//! The adapter through axum's own harness: extraction, rejections, the
//! route helper, and background work.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use claimkit::{ClaimToken, Error, ErrorKind, PluginConfig, Reject, Secret};
use claimkit_axum::{after_response, plugin, Plugin};
use serde::Deserialize;
use serde_json::json;
use tower::ServiceExt;

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

fn app() -> Router {
    Router::new()
        .route("/redeem", plugin(redeem))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()).with_body_limit(256))
}

async fn call(app: Router, request: Request<Body>) -> (StatusCode, String, Option<String>) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        String::from_utf8(body.to_vec()).unwrap(),
        content_type,
    )
}

fn post_json(uri: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn typed_inputs_from_body_and_query() {
    let (status, body, content_type) = call(
        app(),
        post_json(
            "/redeem",
            json!({"pluginSecret": SECRET, "code": "OK", "count": 3}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"claimToken":"tok-3"}"#);
    assert_eq!(content_type.as_deref(), Some("application/json"));

    let request = Request::get(format!("/redeem?pluginSecret={SECRET}&code=OK&count=7"))
        .body(Body::empty())
        .unwrap();
    let (status, body, _) = call(app(), request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"claimToken":"tok-7"}"#)
    );

    let (status, body, _) = call(
        app(),
        post_json(
            "/redeem",
            json!({"pluginSecret": SECRET, "code": "NO", "count": 1}),
        ),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::FORBIDDEN, r#"{"message":"unknown code"}"#)
    );
}

#[tokio::test]
async fn rejections_are_json_messages() {
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
    ];
    for (request, status, message) in cases {
        let (got, body, _) = call(app(), request).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert_eq!(body, json!({ "message": message }).to_string());
    }
    let request = Request::patch("/redeem").body(Body::empty()).unwrap();
    let response = app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, POST, PUT, DELETE");
}

/// A rejection of the user's own, swapped in through the type parameter.
struct Teapot(Error);

impl From<Error> for Teapot {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

impl IntoResponse for Teapot {
    fn into_response(self) -> Response {
        (
            StatusCode::IM_A_TEAPOT,
            format!("teapot: {:?}", self.0.kind()),
        )
            .into_response()
    }
}

#[tokio::test]
async fn the_rejection_can_be_swapped() {
    async fn handler(_: Plugin<serde_json::Value, Teapot>) -> &'static str {
        "ok"
    }
    let app = Router::new()
        .route("/", post(handler))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()));
    let (status, body, _) = call(app.clone(), post_json("/", json!({"pluginSecret": "bad"}))).await;
    assert_eq!(status, StatusCode::IM_A_TEAPOT);
    assert_eq!(body, format!("teapot: {:?}", ErrorKind::InvalidSecret));
    let (status, body, _) = call(app, post_json("/", json!({"pluginSecret": SECRET}))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
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
    let (sender, receiver) = tokio::sync::oneshot::channel();
    after_response(async move {
        sender.send(42).unwrap();
    })
    .await
    .unwrap();
    assert_eq!(receiver.await.unwrap(), 42);
}
