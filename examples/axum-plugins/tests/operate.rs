//! What the operator's tools read: `/livez`, `/readyz`.

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use claimkit::health::Readiness;
use claimkit_store::Store;
use example_axum_plugins::operate;
use tower::ServiceExt;

async fn get(app: &Router, uri: &str) -> (u16, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn live_and_ready_until_shutdown_begins() {
    let ready = Readiness::new(Store::memory());
    let app = operate(ready.clone());
    assert_eq!(
        get(&app, "/livez").await,
        (200, r#"{"status":"live"}"#.into())
    );
    assert_eq!(
        get(&app, "/readyz").await,
        (200, r#"{"status":"ready"}"#.into())
    );
    ready.drain();
    assert_eq!(
        get(&app, "/readyz").await,
        (503, r#"{"message":"the server is shutting down"}"#.into())
    );
    assert_eq!(get(&app, "/livez").await.0, 200);
}
