//! actix-web's routing of a plugin route agrees with the core's method
//! set, `claimkit::head::METHODS`: every one of those methods reaches the
//! handler, every other method is answered `405` with the core's `Allow`
//! (the mirror of `sdk-axum/tests/methods.rs`).

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test, App};
use claimkit::head::METHODS;
use claimkit::testing::PluginCall;
use claimkit::{PluginConfig, Secret, Source, Stateless, ALLOWED_METHODS};
use claimkit_actix::testing::plugin_request;
use claimkit_actix::{plugin, Plugin};

const SECRET: &str = "methods-secret";

async fn allow(_: Plugin<()>) -> Stateless {
    Stateless
}

async fn status(method: &str) -> (StatusCode, Option<String>) {
    let app = test::init_service(
        App::new()
            .app_data(PluginConfig::new(Secret::new(SECRET).unwrap()))
            .service(plugin("/allow", allow)),
    )
    .await;
    let call = PluginCall::executing("attempt-1").with_secret(SECRET);
    let response =
        test::call_service(&app, plugin_request(method, "/allow", &call).to_request()).await;
    let allow = response
        .headers()
        .get(header::ALLOW)
        .map(|value| value.to_str().unwrap().to_owned());
    (response.status(), allow)
}

#[actix_web::test]
async fn every_core_method_reaches_the_handler() {
    for method in METHODS {
        assert!(Source::of_method(method).is_some(), "{method}");
        assert_eq!(status(method).await, (StatusCode::OK, None), "{method}");
    }
}

#[actix_web::test]
async fn every_other_method_is_405_with_the_core_allow_header() {
    // `OPTIONS` is left out: the CORS middleware answers it as a preflight.
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
