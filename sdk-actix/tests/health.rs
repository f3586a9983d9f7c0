//! Liveness touches nothing; readiness asks the store within its bound and
//! says no while the server drains.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use claimkit::health::{Ping, Readiness};
use claimkit::store::MemoryStore;
use claimkit::Error;
use claimkit_actix::{liveness, readiness};

/// A store that never answers.
#[derive(Clone)]
struct Silent;

impl Ping for Silent {
    async fn ping(&self) -> Result<(), Error> {
        std::future::pending().await
    }
}

async fn answer<S>(app: &S, request: TestRequest) -> (StatusCode, String)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[actix_web::test]
async fn ready_until_draining_and_live_throughout() {
    let ready = Readiness::new(Arc::new(MemoryStore::default()));
    let app = test::init_service(
        App::new()
            .service(liveness("/livez"))
            .service(readiness("/readyz", ready.clone())),
    )
    .await;
    assert_eq!(
        answer(&app, TestRequest::get().uri("/livez")).await,
        (StatusCode::OK, r#"{"status":"live"}"#.into())
    );
    assert_eq!(
        answer(&app, TestRequest::get().uri("/readyz")).await,
        (StatusCode::OK, r#"{"status":"ready"}"#.into())
    );
    assert_eq!(
        answer(&app, TestRequest::post().uri("/readyz")).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    ready.drain();
    assert_eq!(
        answer(&app, TestRequest::get().uri("/readyz")).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"the server is shutting down"}"#.into()
        )
    );
    assert_eq!(
        answer(&app, TestRequest::get().uri("/livez")).await.0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_silent_store_is_not_ready_at_the_bound_but_still_live() {
    let ready = Readiness::new(Silent).with_timeout(Duration::from_millis(200));
    let app = test::init_service(
        App::new()
            .service(liveness("/livez"))
            .service(readiness("/readyz", ready)),
    )
    .await;
    assert_eq!(
        answer(&app, TestRequest::get().uri("/readyz")).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"message":"the plugin's store did not answer within 200 ms"}"#.into()
        )
    );
    assert_eq!(
        answer(&app, TestRequest::get().uri("/livez")).await.0,
        StatusCode::OK
    );
}
