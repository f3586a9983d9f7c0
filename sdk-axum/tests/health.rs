//! Liveness touches nothing; readiness asks the store within its bound and
//! says no while the server drains.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use claimkit::health::{Ping, Readiness};
use claimkit::store::MemoryStore;
use claimkit::Error;
use claimkit_axum::{liveness, readiness};
use tower::ServiceExt;

/// A store that never answers.
#[derive(Clone)]
struct Silent;

impl Ping for Silent {
    async fn ping(&self) -> Result<(), Error> {
        std::future::pending().await
    }
}

async fn get(app: &Router, method: &str, uri: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn ready_until_draining_and_live_throughout() {
    let ready = Readiness::new(Arc::new(MemoryStore::default()));
    let app = Router::new()
        .route("/livez", liveness())
        .route("/readyz", readiness(ready.clone()));
    assert_eq!(
        get(&app, "GET", "/livez").await,
        (StatusCode::OK, r#"{"status":"live"}"#.into())
    );
    assert_eq!(
        get(&app, "GET", "/readyz").await,
        (StatusCode::OK, r#"{"status":"ready"}"#.into())
    );
    assert_eq!(
        get(&app, "POST", "/readyz").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    ready.drain();
    assert_eq!(
        get(&app, "GET", "/readyz").await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"the server is shutting down"}"#.into()
        )
    );
    assert_eq!(get(&app, "GET", "/livez").await.0, StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn a_silent_store_is_not_ready_at_the_bound_but_still_live() {
    let ready = Readiness::new(Silent).with_timeout(Duration::from_millis(700));
    let app = Router::new()
        .route("/livez", liveness())
        .route("/readyz", readiness(ready));
    let started = tokio::time::Instant::now();
    assert_eq!(
        get(&app, "GET", "/readyz").await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"the plugin's store did not answer within 700 ms"}"#.into()
        )
    );
    assert_eq!(started.elapsed(), Duration::from_millis(700));
    assert_eq!(get(&app, "GET", "/livez").await.0, StatusCode::OK);
}
