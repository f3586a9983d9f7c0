//! The 2026 platform through actix-web's harness: the portal's CORS
//! preflight, signed requests, header inputs and a numeric `version`.

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App};
use claimkit::signature::{RequestSignatures, SignatureMode};
use claimkit::testing::{now_millis, sign_request, PluginCall};
use claimkit::{PluginConfig, RawInputs, RouteOptions, Secret, Secrets, Stateless};
use claimkit_actix::{plugin, plugin_with, Plugin};
use serde_json::{json, Value};

const SECRET: &str = "platform-2026-secret";
const PREVIOUS: &str = "platform-2025-secret";
const PORTAL: &str = "https://bitbadges.io";

async fn echo(request: Plugin<RawInputs>) -> web::Json<Value> {
    web::Json(json!({
        "inputs": request.inputs(),
        "version": request.context().version(),
    }))
}

async fn allow(_: Plugin<()>) -> Stateless {
    Stateless
}

/// The platform's call: an axios query for `GET`, a JSON body otherwise
/// (as `claimkit_actix::testing::plugin_request` builds it, without needing
/// the feature).
fn plugin_request(method: &str, uri: &str, call: &PluginCall) -> TestRequest {
    let method = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
    if method == actix_web::http::Method::GET {
        TestRequest::default()
            .method(method)
            .uri(&format!("{uri}?{}", call.query()))
    } else {
        TestRequest::default()
            .method(method)
            .uri(uri)
            .insert_header(("content-type", "application/json"))
            .set_payload(call.json())
    }
}

/// [`plugin_request`], signed over the raw body or query string.
fn signed_plugin_request(
    method: &str,
    uri: &str,
    call: &PluginCall,
    secret: &str,
    timestamp_ms: u64,
) -> TestRequest {
    let raw = if method == "GET" {
        call.query().into_bytes()
    } else {
        call.json()
    };
    sign_request(secret, timestamp_ms, &raw)
        .into_iter()
        .fold(plugin_request(method, uri, call), |request, header| {
            request.insert_header(header)
        })
}

fn secrets() -> Secrets {
    Secrets::new(Secret::new(SECRET).unwrap()).with_previous(Secret::new(PREVIOUS).unwrap())
}

macro_rules! app {
    ($config:expr) => {{
        let local = RouteOptions::new()
            .with_cors_origins(["http://localhost:5173"])
            .unwrap()
            .with_cors_header("x-api-key");
        test::init_service(
            App::new()
                .app_data($config)
                .service(plugin("/echo", echo))
                .service(plugin("/allow", allow))
                .service(plugin_with("/local", allow, &local)),
        )
        .await
    }};
}

fn header<'r>(response: &'r ServiceResponse, name: &str) -> Option<&'r str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

fn preflight(uri: &str, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(uri)
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", "POST"))
        .insert_header((
            "access-control-request-headers",
            "content-type,x-bitbadges-signature,x-bitbadges-timestamp,x-bitbadges-version",
        ))
}

async fn body_of(response: ServiceResponse) -> String {
    String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
}

#[actix_web::test]
async fn the_portal_preflight_is_answered_and_other_origins_get_no_permission() {
    let app = app!(PluginConfig::new(secrets()));
    let response = test::call_service(&app, preflight("/allow", PORTAL).to_request()).await;
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

    // actix-cors refuses another origin's preflight outright.
    let response = test::call_service(
        &app,
        preflight("/allow", "https://evil.example").to_request(),
    )
    .await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    assert!(response.status().is_client_error());

    let call = PluginCall::executing("a1").with_secret(SECRET);
    for (origin, marked) in [(PORTAL, Some(PORTAL)), ("https://evil.example", None)] {
        let request = plugin_request("POST", "/allow", &call)
            .insert_header(("origin", origin))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "access-control-allow-origin"), marked);
    }
    let forged = plugin_request(
        "POST",
        "/allow",
        &PluginCall::executing("a1").with_secret("x"),
    )
    .insert_header(("origin", PORTAL))
    .to_request();
    let response = test::call_service(&app, forged).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(PORTAL)
    );
    assert!(body_of(response).await.contains("\"message\""));

    // An OPTIONS that is no preflight, and other methods, get 405.
    let plain = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/allow")
        .to_request();
    let response = test::call_service(&app, plain).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let patch = TestRequest::patch().uri("/allow").to_request();
    let response = test::call_service(&app, patch).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[actix_web::test]
async fn every_answer_varies_by_origin_whether_or_not_it_had_one() {
    // Calls without `Origin` skip `actix-cors`, which would add only
    // `Vary`: they get the same `Vary` as a call that went through it,
    // answered, refused or of a method the route has not.
    let app = app!(PluginConfig::new(secrets()));
    let mut vary = Vec::new();
    for origin in [None, Some(PORTAL), Some("https://evil.example")] {
        for secret in [SECRET, "wrong"] {
            let call = PluginCall::executing("a1").with_secret(secret);
            let mut request = plugin_request("POST", "/allow", &call);
            if let Some(origin) = origin {
                request = request.insert_header(("origin", origin));
            }
            let response = test::call_service(&app, request.to_request()).await;
            let values: Vec<_> = response.headers().get_all("vary").cloned().collect();
            vary.push(values);
        }
        let mut patch = TestRequest::patch().uri("/allow");
        if let Some(origin) = origin {
            patch = patch.insert_header(("origin", origin));
        }
        let response = test::call_service(&app, patch.to_request()).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        vary.push(response.headers().get_all("vary").cloned().collect());
    }
    let response = test::call_service(&app, preflight("/allow", PORTAL).to_request()).await;
    vary.push(response.headers().get_all("vary").cloned().collect());
    assert_eq!(vary[0].len(), 1, "{vary:?}");
    assert!(vary.iter().all(|values| values == &vary[0]), "{vary:?}");
    let call = PluginCall::executing("a1").with_secret(SECRET);
    let response =
        test::call_service(&app, plugin_request("POST", "/allow", &call).to_request()).await;
    assert_eq!(
        header(&response, "vary"),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
}

#[actix_web::test]
async fn a_handlers_own_vary_is_kept_before_the_cors_names() {
    async fn varies(_: Plugin<()>) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Ok()
            .insert_header(("vary", "Accept-Language"))
            .json(json!({}))
    }
    let app = test::init_service(
        App::new()
            .app_data(PluginConfig::new(secrets()))
            .service(plugin("/varies", varies)),
    )
    .await;
    let call = PluginCall::executing("a1").with_secret(SECRET);
    for origin in [None, Some(PORTAL)] {
        let mut request = plugin_request("POST", "/varies", &call);
        if let Some(origin) = origin {
            request = request.insert_header(("origin", origin));
        }
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(
            header(&response, "vary"),
            Some(
                "Accept-Language, Origin, Access-Control-Request-Method, \
                 Access-Control-Request-Headers"
            ),
            "origin {origin:?}"
        );
    }
}

#[actix_web::test]
async fn origins_and_headers_are_configurable() {
    let app = app!(PluginConfig::new(secrets()));
    let response = test::call_service(
        &app,
        preflight("/local", "http://localhost:5173").to_request(),
    )
    .await;
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(header(&response, "access-control-allow-headers")
        .unwrap()
        .contains("x-api-key"));
    let response = test::call_service(&app, preflight("/local", PORTAL).to_request()).await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);
}

#[actix_web::test]
async fn required_signatures() {
    let config = PluginConfig::new(secrets())
        .with_signatures(RequestSignatures::new(SignatureMode::Require));
    let app = app!(config);
    let call = PluginCall::executing("a1").with_secret(SECRET);
    for method in ["GET", "POST", "PUT", "DELETE"] {
        for key in [SECRET, PREVIOUS] {
            let request = signed_plugin_request(method, "/allow", &call, key, now_millis());
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(response.status(), StatusCode::OK, "{method}");
        }
        let response =
            test::call_service(&app, plugin_request(method, "/allow", &call).to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{method}");
        assert_eq!(
            serde_json::from_str::<Value>(&body_of(response).await).unwrap(),
            json!({"message": "missing request signature headers"})
        );
        let stale = signed_plugin_request(method, "/allow", &call, SECRET, now_millis() - 600_000);
        let response = test::call_service(&app, stale.to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let wrong = signed_plugin_request(method, "/allow", &call, "other", now_millis());
        let response = test::call_service(&app, wrong.to_request()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body = body_of(response).await;
        assert!(!body.contains(SECRET) && !body.contains("other"), "{body}");
    }
    let tampered = signed_plugin_request("POST", "/allow", &call, SECRET, now_millis())
        .set_payload(call.clone().with_input("x", 1).json());
    let response = test::call_service(&app, tampered.to_request()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn verify_when_present_lets_unsigned_calls_through() {
    let config = PluginConfig::new(secrets())
        .with_signatures(RequestSignatures::new(SignatureMode::VerifyWhenPresent));
    let app = app!(config);
    let call = PluginCall::executing("a1").with_secret(SECRET);
    let response =
        test::call_service(&app, plugin_request("POST", "/allow", &call).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let wrong = signed_plugin_request("POST", "/allow", &call, "other", now_millis());
    let response = test::call_service(&app, wrong.to_request()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn header_inputs_and_a_numeric_version() {
    let app = app!(PluginConfig::new(secrets()).with_header_input("apiKey"));
    let call = PluginCall::executing("a1")
        .with_secret(SECRET)
        .with_input("code", "WELCOME")
        .with_context(|c| c.version = Some(claimkit::Version::number(0)));
    for method in ["GET", "POST"] {
        let request = plugin_request(method, "/echo", &call)
            .insert_header(("ApiKey", "key-123"))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&body_of(response).await).unwrap(),
            json!({"inputs": {"code": "WELCOME", "apiKey": "key-123"}, "version": "0"}),
            "{method}"
        );
    }
}
