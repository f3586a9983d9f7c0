//! The `plugin` tracing span around each call, as middleware.

use std::future::{ready, Ready};

use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{header, Method};
use claimkit::trace::Answering;
use claimkit::CallMeter;

/// Runs each call in the `plugin` span (see [`plugin`](crate::plugin)) and
/// logs the answer's status and latency; with a [`CallMeter`], counts each
/// answer but a CORS preflight's in it. [`plugin`](crate::plugin) applies
/// it; wrap your own resources or scopes in it with
/// `.wrap(PluginTrace::new())`.
///
/// ```
/// use actix_web::{web, App};
/// use claimkit::{CallMeter, Stateless};
/// use claimkit_actix::PluginTrace;
///
/// let app = App::new().service(
///     web::resource("/plugins/allow")
///         .route(web::post().to(|| async { Stateless }))
///         .wrap(PluginTrace::new().with_meter(CallMeter::new("allow", "Stateless"))),
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct PluginTrace {
    meter: Option<CallMeter>,
}

impl PluginTrace {
    /// A middleware that traces, and counts nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also counts each answer in `meter`
    /// ([`RouteOptions::meter`](claimkit::RouteOptions::meter)).
    pub fn with_meter(mut self, meter: impl Into<Option<CallMeter>>) -> Self {
        self.meter = meter.into();
        self
    }
}

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
        ready(Ok(PluginTraceMiddleware {
            service,
            meter: self.meter.clone(),
        }))
    }
}

/// The service made by [`PluginTrace`].
#[derive(Debug)]
pub struct PluginTraceMiddleware<S> {
    service: S,
    meter: Option<CallMeter>,
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
        // A browser's preflight is not a call of the plugin.
        let preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let meter = if preflight { None } else { self.meter.clone() };
        let inner = span.in_scope(|| self.service.call(request));
        claimkit::trace::answer_in(span, inner, status).with_meter(meter)
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
