//! The `plugin` tracing span around each call, as middleware.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::time::Instant;

use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use tracing::Instrument;

/// Runs each call in the `plugin` span (see [`plugin`](crate::plugin)) and
/// logs the answer's status and latency. [`plugin`](crate::plugin) applies
/// it; wrap your own resources or scopes in it with `.wrap(PluginTrace)`.
///
/// ```
/// use actix_web::{web, App};
/// use claimkit::Stateless;
/// use claimkit_actix::PluginTrace;
///
/// let app = App::new().service(
///     web::resource("/plugins/allow")
///         .route(web::post().to(|| async { Stateless }))
///         .wrap(PluginTrace),
/// );
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PluginTrace;

impl<S, B> Transform<S, ServiceRequest> for PluginTrace
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = PluginTraceMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<PluginTraceMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(PluginTraceMiddleware { service }))
    }
}

/// The service made by [`PluginTrace`].
#[derive(Debug)]
pub struct PluginTraceMiddleware<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for PluginTraceMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<ServiceResponse<B>, actix_web::Error>>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let span = claimkit::trace::plugin_span(request.method().as_str(), request.path());
        let started = Instant::now();
        let future = span.in_scope(|| self.service.call(request));
        Box::pin(
            async move {
                let result = future.await;
                let status = match &result {
                    Ok(response) => response.status(),
                    Err(err) => err.as_response_error().status_code(),
                };
                claimkit::trace::answered(status.as_u16(), started.elapsed());
                result
            }
            .instrument(span),
        )
    }
}
