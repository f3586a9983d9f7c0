//! axum's routing of a plugin route agrees with the core's method set,
//! `claimkit::head::METHODS`: every one of those methods reaches the
//! handler, every other method is answered `405` with the core's `Allow`.

use axum::http::{header, Method, StatusCode};
use axum::routing::MethodFilter;
use axum::Router;
use claimkit::head::METHODS;
use claimkit::testing::PluginCall;
use claimkit::{PluginConfig, Secret, Source, Stateless, ALLOWED_METHODS};
use claimkit_axum::testing::plugin_request;
use claimkit_axum::{plugin, Plugin};
use tower::ServiceExt;

const SECRET: &str = "methods-secret";

async fn allow(_: Plugin<()>) -> Stateless {
    Stateless
}

fn app() -> Router {
    Router::new()
        .route("/allow", plugin(allow))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()))
}

async fn status(method: &str) -> (StatusCode, Option<String>) {
    let call = PluginCall::executing("attempt-1").with_secret(SECRET);
    let response = app()
        .oneshot(plugin_request(method, "/allow", &call))
        .await
        .unwrap();
    let allow = response
        .headers()
        .get(header::ALLOW)
        .map(|value| value.to_str().unwrap().to_owned());
    (response.status(), allow)
}

#[tokio::test]
async fn every_core_method_reaches_the_handler() {
    for method in METHODS {
        assert!(Source::of_method(method).is_some(), "{method}");
        assert_eq!(status(method).await, (StatusCode::OK, None), "{method}");
    }
}

#[tokio::test]
async fn every_other_method_is_405_with_the_core_allow_header() {
    // `OPTIONS` is left out: the CORS layer answers it as a preflight.
    let others = [
        Method::HEAD,
        Method::PATCH,
        Method::TRACE,
        Method::CONNECT,
        Method::from_bytes(b"PURGE").unwrap(),
    ];
    for method in others {
        let method = method.as_str();
        assert_eq!(Source::of_method(method), None, "{method}");
        assert_eq!(
            status(method).await,
            (StatusCode::METHOD_NOT_ALLOWED, Some(ALLOWED_METHODS.into())),
            "{method}"
        );
    }
}

#[test]
fn every_core_method_is_one_axum_can_route() {
    for method in METHODS {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        assert!(MethodFilter::try_from(method).is_ok());
    }
}
