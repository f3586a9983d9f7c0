//! Liveness and readiness routes for a load balancer or Kubernetes.

use actix_web::dev::HttpServiceFactory;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use claimkit::health::{Ping, Readiness, LIVE_BODY, READY_BODY};
use claimkit::{Error, CONTENT_TYPE};

/// A resource at `path` for liveness: `GET` answers `200
/// {"status":"live"}` without touching anything, so that a store outage
/// never gets the process restarted; other methods get `405 {"message"}`.
/// The counterpart of `claimkit-axum`'s `liveness()`, carrying its path as
/// [`plugin`](crate::plugin) does. See [`claimkit::health`].
///
/// ```
/// use actix_web::App;
/// use claimkit_actix::liveness;
///
/// let app = App::new().service(liveness("/livez"));
/// ```
pub fn liveness(path: &str) -> impl HttpServiceFactory {
    web::resource(path)
        .route(web::get().to(|| async { json(LIVE_BODY) }))
        .default_service(web::to(|| async { Error::method_not_allowed("GET") }))
}

/// A resource at `path` for readiness: `GET` answers `200
/// {"status":"ready"}` when the store of `readiness` answers its [`Ping`]
/// within the readiness' timeout, and `503 {"message"}` when it fails, does
/// not answer in time, or the server is draining ([`Readiness::drain`]);
/// other methods get `405 {"message"}`. See [`claimkit_tokio::ready`].
///
/// ```
/// use std::sync::Arc;
/// use actix_web::App;
/// use claimkit::health::Readiness;
/// use claimkit::store::MemoryStore;
/// use claimkit_actix::{liveness, readiness};
///
/// let ready = Readiness::new(Arc::new(MemoryStore::default()));
/// let app = App::new()
///     .service(liveness("/livez"))
///     .service(readiness("/readyz", ready.clone()));
/// // At shutdown: ready.drain();
/// ```
pub fn readiness<P>(path: &str, readiness: Readiness<P>) -> impl HttpServiceFactory
where
    P: Ping + Clone + 'static,
{
    web::resource(path)
        .route(web::get().to(move || {
            let readiness = readiness.clone();
            async move {
                claimkit_tokio::ready(&readiness)
                    .await
                    .map(|()| json(READY_BODY))
            }
        }))
        .default_service(web::to(|| async { Error::method_not_allowed("GET") }))
}

/// A `200` with a JSON body that is never stored by a cache.
fn json(body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(body)
}
