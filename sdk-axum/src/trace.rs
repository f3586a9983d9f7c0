//! The `plugin` tracing span around each call, as a tower layer.

use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{header, Method};
use axum::response::Response;
use claimkit::trace::Answering;
use claimkit::CallMeter;
use tower::{Layer, Service};

/// Wraps a service in the `plugin` span (see [`plugin`](crate::plugin)),
/// and with a [`CallMeter`] counts each answer but a CORS preflight's in it.
///
/// ```
/// use claimkit::CallMeter;
/// use claimkit_axum::PluginTraceLayer;
///
/// let traced = PluginTraceLayer::new();
/// let counted = PluginTraceLayer::new().with_meter(CallMeter::new("allow", "Stateless"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct PluginTraceLayer {
    meter: Option<CallMeter>,
}

impl PluginTraceLayer {
    /// A layer that traces, and counts nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also counts each answer in `meter`
    /// ([`RouteOptions::meter`](claimkit::RouteOptions::meter)).
    pub fn with_meter(mut self, meter: impl Into<Option<CallMeter>>) -> Self {
        self.meter = meter.into();
        self
    }

    /// The layer's meter, for a stack that counts like it.
    pub(crate) fn into_meter(self) -> Option<CallMeter> {
        self.meter
    }
}

impl<S> Layer<S> for PluginTraceLayer {
    type Service = PluginTrace<S>;

    fn layer(&self, inner: S) -> PluginTrace<S> {
        PluginTrace {
            inner,
            meter: self.meter.clone(),
        }
    }
}

/// The service made by [`PluginTraceLayer`].
#[derive(Debug, Clone)]
pub struct PluginTrace<S> {
    inner: S,
    meter: Option<CallMeter>,
}

impl<S> Service<Request> for PluginTrace<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = PluginTraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let span = claimkit::trace::plugin_span(request.method().as_str(), request.uri().path());
        // A browser's preflight is not a call of the plugin.
        let preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let meter = if preflight { None } else { self.meter.clone() };
        let inner = span.in_scope(|| self.inner.call(request));
        claimkit::trace::answer_in(span, inner, status).with_meter(meter)
    }
}

/// The response future of [`PluginTrace`]: the inner future, run in the
/// call's span, and the answer logged when it completes.
pub type PluginTraceFuture<F> = Answering<F>;

/// The status of an answer; none for an error (axum answers it later).
pub(crate) fn status<E>(result: &Result<Response, E>) -> Option<u16> {
    result
        .as_ref()
        .ok()
        .map(|response| response.status().as_u16())
}
