//! What the operator's tools read: `/livez`, `/readyz`.

use actix_web::{test, App};
use claimkit::health::Readiness;
use claimkit_store::Store;
use example_actix_plugins::operate;

#[actix_web::test]
async fn live_and_ready_until_shutdown_begins() {
    let ready = Readiness::new(Store::memory());
    let app = test::init_service(App::new().configure(operate(ready.clone()))).await;
    let get = |uri: &'static str| {
        let request = test::TestRequest::get().uri(uri).to_request();
        let app = &app;
        async move {
            let response = test::call_service(app, request).await;
            let status = response.status().as_u16();
            let body = test::read_body(response).await;
            (status, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    assert_eq!(get("/livez").await, (200, r#"{"status":"live"}"#.into()));
    assert_eq!(get("/readyz").await, (200, r#"{"status":"ready"}"#.into()));
    ready.drain();
    assert_eq!(
        get("/readyz").await,
        (503, r#"{"message":"the server is shutting down"}"#.into())
    );
    assert_eq!(get("/livez").await.0, 200);
}
