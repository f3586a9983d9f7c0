//! Liveness and readiness routes for a load balancer or Kubernetes.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use claimkit::health::{Ping, Readiness, LIVE_BODY, READY_BODY};
use claimkit::{Error, CONTENT_TYPE};

/// A liveness route: `GET` answers `200 {"status":"live"}` without touching
/// anything, so that a store outage never gets the process restarted; other
/// methods get `405 {"message"}`. See [`claimkit::health`].
///
/// ```
/// use axum::Router;
/// use claimkit_axum::liveness;
///
/// let app: Router = Router::new().route("/livez", liveness());
/// ```
pub fn liveness<S>() -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    get(|| async { json(LIVE_BODY) }).fallback(|| async { Error::method_not_allowed("GET") })
}

/// A readiness route: `GET` answers `200 {"status":"ready"}` when the store
/// of `readiness` answers its [`Ping`] within the readiness' timeout, and
/// `503 {"message"}` when it fails, does not answer in time, or the server
/// is draining ([`Readiness::drain`]); other methods get `405
/// {"message"}`. See [`claimkit_tokio::ready`].
///
/// ```
/// use std::sync::Arc;
/// use axum::Router;
/// use claimkit::health::Readiness;
/// use claimkit::store::MemoryStore;
/// use claimkit_axum::{liveness, readiness};
///
/// let ready = Readiness::new(Arc::new(MemoryStore::default()));
/// let app: Router = Router::new()
///     .route("/livez", liveness())
///     .route("/readyz", readiness(ready.clone()));
/// // At shutdown: ready.drain();
/// ```
pub fn readiness<P, S>(readiness: Readiness<P>) -> MethodRouter<S>
where
    P: Ping + Clone + 'static,
    S: Clone + Send + Sync + 'static,
{
    get(move || {
        let readiness = readiness.clone();
        async move {
            claimkit_tokio::ready(&readiness)
                .await
                .map(|()| json(READY_BODY))
        }
    })
    .fallback(|| async { Error::method_not_allowed("GET") })
}

/// A `200` with a JSON body that is never stored by a cache.
fn json(body: &'static [u8]) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
