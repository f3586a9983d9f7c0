//! What the operator's tools ask the server: whether it lives (`/livez`),
//! and whether it can serve calls now (`/readyz`: the store answers, and
//! the server is not shutting down).

use actix_web::web;
use claimkit::health::Readiness;
use claimkit_actix::{liveness, readiness};
use claimkit_store::Store;

/// The routes for a load balancer or Kubernetes, over `ready`, for
/// `App::configure`; keep a clone of `ready` to [`Readiness::drain`] it
/// when shutdown begins.
pub fn operate(ready: Readiness<Store>) -> impl Fn(&mut web::ServiceConfig) + Clone + Send {
    move |routes: &mut web::ServiceConfig| {
        routes
            .service(liveness("/livez"))
            .service(readiness("/readyz", ready.clone()));
    }
}
