//! The 2026 platform through axum's harness: the portal's CORS preflight,
//! signed requests, header inputs and a numeric `version`.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use claimkit::signature::{RequestSignatures, SignatureMode};
use claimkit::testing::{now_millis, sign_request, PluginCall};
use claimkit::{PluginConfig, RawInputs, RouteOptions, Secret, Secrets, Stateless};
use claimkit_axum::{plugin, plugin_with, Plugin};
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &str = "platform-2026-secret";
const PREVIOUS: &str = "platform-2025-secret";
const PORTAL: &str = "https://bitbadges.io";

async fn echo(request: Plugin<RawInputs>) -> axum::Json<Value> {
    axum::Json(json!({
        "inputs": request.inputs(),
        "version": request.context().version(),
    }))
}

async fn allow(_: Plugin<()>) -> Stateless {
    Stateless
}

fn app(config: PluginConfig) -> Router {
    let local = RouteOptions::new()
        .with_cors_origins(["http://localhost:5173"])
        .unwrap()
        .with_cors_header("x-api-key");
    Router::new()
        .route("/echo", plugin(echo))
        .route("/allow", plugin(allow))
        .route("/local", plugin_with(allow, &local))
        .with_state(config)
}

/// The platform's call: an axios query for `GET`, a JSON body otherwise
/// (as `claimkit_axum::testing::plugin_request` builds it, without needing
/// the feature).
fn plugin_request(method: &str, uri: &str, call: &PluginCall) -> Request<Body> {
    let request = Request::builder().method(method);
    if method == "GET" {
        request
            .uri(format!("{uri}?{}", call.query()))
            .body(Body::empty())
    } else {
        request
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(call.json()))
    }
    .unwrap()
}

/// [`plugin_request`], signed over the raw body or query string.
fn signed_plugin_request(
    method: &str,
    uri: &str,
    call: &PluginCall,
    secret: &str,
    timestamp_ms: u64,
) -> Request<Body> {
    let raw = if method == "GET" {
        call.query().into_bytes()
    } else {
        call.json()
    };
    let mut request = plugin_request(method, uri, call);
    for (name, value) in sign_request(secret, timestamp_ms, &raw) {
        let name = axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    request
}

fn secrets() -> Secrets {
    Secrets::new(Secret::new(SECRET).unwrap()).with_previous(Secret::new(PREVIOUS).unwrap())
}

async fn send(app: &Router, request: Request<Body>) -> (Response<Body>, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (
        Response::from_parts(parts, Body::empty()),
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

fn header<'r>(response: &'r Response<Body>, name: &str) -> Option<&'r str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

fn preflight(uri: &str, origin: &str) -> Request<Body> {
    Request::options(uri)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-bitbadges-signature,x-bitbadges-timestamp,x-bitbadges-version",
        )
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_portal_preflight_is_answered_and_other_origins_get_no_permission() {
    let app = app(PluginConfig::new(secrets()));
    let (response, _) = send(&app, preflight("/allow", PORTAL)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(PORTAL)
    );
    let methods = header(&response, "access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PUT", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(&response, "access-control-allow-headers").unwrap();
    for name in [
        "content-type",
        "x-bitbadges-signature",
        "x-bitbadges-timestamp",
        "x-bitbadges-version",
    ] {
        assert!(headers.contains(name), "{headers}");
    }
    assert_eq!(header(&response, "access-control-max-age"), Some("600"));

    let (response, _) = send(&app, preflight("/allow", "https://evil.example")).await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);

    // The actual request from the portal is marked; from elsewhere it is
    // answered, unmarked.
    let call = PluginCall::executing("a1").with_secret(SECRET);
    for (origin, marked) in [(PORTAL, Some(PORTAL)), ("https://evil.example", None)] {
        let mut request = plugin_request("POST", "/allow", &call);
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        let (response, body) = send(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        assert_eq!(header(&response, "access-control-allow-origin"), marked);
    }
    // A rejection from the portal is marked too, so the portal can show it.
    let mut forged = plugin_request(
        "POST",
        "/allow",
        &PluginCall::executing("a1").with_secret("x"),
    );
    forged
        .headers_mut()
        .insert("origin", PORTAL.parse().unwrap());
    let (response, body) = send(&app, forged).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"message\""), "{body}");
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(PORTAL)
    );

    // An OPTIONS that is no preflight, and other methods, get 405.
    let plain = Request::options("/allow").body(Body::empty()).unwrap();
    let (response, body) = send(&app, plain).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert!(body.contains("\"message\""), "{body}");
    let patch = Request::patch("/allow").body(Body::empty()).unwrap();
    assert_eq!(
        send(&app, patch).await.0.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn every_answer_varies_by_origin_whether_or_not_it_had_one() {
    // Calls without `Origin` skip `tower-http`'s `Cors`, which would add
    // only `Vary`: they get the same `Vary` as a call that went through it.
    let app = app(PluginConfig::new(secrets()));
    let call = PluginCall::executing("a1").with_secret(SECRET);
    let mut vary = Vec::new();
    for origin in [None, Some(PORTAL), Some("https://evil.example")] {
        for secret in [SECRET, "wrong"] {
            let call = PluginCall::executing("a1").with_secret(secret);
            let mut request = plugin_request("POST", "/allow", &call);
            if let Some(origin) = origin {
                request
                    .headers_mut()
                    .insert("origin", origin.parse().unwrap());
            }
            let (response, _) = send(&app, request).await;
            let values: Vec<_> = response.headers().get_all("vary").iter().cloned().collect();
            vary.push(values);
        }
    }
    let (preflight, _) = send(&app, preflight("/allow", PORTAL)).await;
    vary.push(
        preflight
            .headers()
            .get_all("vary")
            .iter()
            .cloned()
            .collect(),
    );
    assert_eq!(vary[0].len(), 1, "{vary:?}");
    assert!(vary.iter().all(|values| values == &vary[0]), "{vary:?}");
    let (response, _) = send(&app, plugin_request("POST", "/allow", &call)).await;
    assert_eq!(
        header(&response, "vary"),
        Some("origin, access-control-request-method, access-control-request-headers")
    );
}

#[tokio::test]
async fn origins_and_headers_are_configurable() {
    let app = app(PluginConfig::new(secrets()));
    let (response, _) = send(&app, preflight("/local", "http://localhost:5173")).await;
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(header(&response, "access-control-allow-headers")
        .unwrap()
        .contains("x-api-key"));
    let (response, _) = send(&app, preflight("/local", PORTAL)).await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn required_signatures() {
    let config = PluginConfig::new(secrets())
        .with_signatures(RequestSignatures::new(SignatureMode::Require));
    let app = app(config);
    let call = PluginCall::executing("a1").with_secret(SECRET);
    for method in ["GET", "POST", "PUT", "DELETE"] {
        for key in [SECRET, PREVIOUS] {
            let request = signed_plugin_request(method, "/allow", &call, key, now_millis());
            let (response, body) = send(&app, request).await;
            assert_eq!(response.status(), StatusCode::OK, "{method}: {body}");
        }
        let (response, body) = send(&app, plugin_request(method, "/allow", &call)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{method}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"message": "missing request signature headers"})
        );
        let stale = signed_plugin_request(method, "/allow", &call, SECRET, now_millis() - 600_000);
        assert_eq!(send(&app, stale).await.0.status(), StatusCode::UNAUTHORIZED);
        let wrong = signed_plugin_request(method, "/allow", &call, "other", now_millis());
        let (response, body) = send(&app, wrong).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(!body.contains(SECRET) && !body.contains("other"), "{body}");
    }
    // Signed over one body, sent with another.
    let mut tampered = signed_plugin_request("POST", "/allow", &call, SECRET, now_millis());
    *tampered.body_mut() = Body::from(call.clone().with_input("x", 1).json());
    assert_eq!(
        send(&app, tampered).await.0.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn verify_when_present_lets_unsigned_calls_through() {
    let config = PluginConfig::new(secrets())
        .with_signatures(RequestSignatures::new(SignatureMode::VerifyWhenPresent));
    let app = app(config);
    let call = PluginCall::executing("a1").with_secret(SECRET);
    let (response, _) = send(&app, plugin_request("POST", "/allow", &call)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let wrong = signed_plugin_request("POST", "/allow", &call, "other", now_millis());
    assert_eq!(send(&app, wrong).await.0.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn header_inputs_and_a_numeric_version() {
    let config = PluginConfig::new(secrets()).with_header_input("apiKey");
    let app = app(config);
    let call = PluginCall::executing("a1")
        .with_secret(SECRET)
        .with_input("code", "WELCOME")
        .with_context(|c| c.version = Some(claimkit::Version::number(0)));
    assert!(call.json().windows(11).any(|w| w == b"\"version\":0"));
    for method in ["GET", "POST"] {
        let mut request = plugin_request(method, "/echo", &call);
        request
            .headers_mut()
            .insert("ApiKey", "key-123".parse().unwrap());
        let (response, body) = send(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"inputs": {"code": "WELCOME", "apiKey": "key-123"}, "version": "0"}),
            "{method}"
        );
    }
}
