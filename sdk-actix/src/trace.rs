//! The `plugin` tracing span around each call, as middleware.

use std::future::{ready, Ready};

use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use claimkit::trace::Answering;

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
    type Future = PluginTraceFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let span = claimkit::trace::plugin_span(request.method().as_str(), request.path());
        let inner = span.in_scope(|| self.service.call(request));
        claimkit::trace::answer_in(span, inner, status)
    }
}

/// The response future of [`PluginTraceMiddleware`]: the inner future, run
/// in the call's span, and the answer logged when it completes.
pub type PluginTraceFuture<F> = Answering<F>;

/// The status a service's result is answered with: an inner middleware's
/// error is answered by actix-web later, with its own status.
pub(crate) fn status<B>(result: &Result<ServiceResponse<B>, actix_web::Error>) -> Option<u16> {
    let status = match result {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    };
    Some(status.as_u16())
}
