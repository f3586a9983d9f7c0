//! What the operator's tools ask the server: whether it lives (`/livez`),
//! and whether it can serve calls now (`/readyz`: the store answers, and
//! the server is not shutting down).

use axum::Router;
use claimkit::health::Readiness;
use claimkit_axum::{liveness, readiness};
use claimkit_store::Store;

/// The routes for a load balancer or Kubernetes, over `ready`; keep a clone
/// of `ready` to [`Readiness::drain`] it when shutdown begins.
pub fn operate(ready: Readiness<Store>) -> Router {
    Router::new()
        .route("/livez", liveness())
        .route("/readyz", readiness(ready))
}
