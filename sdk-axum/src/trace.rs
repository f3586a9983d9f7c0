//! The `plugin` tracing span around each call, as a tower layer.

use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::Response;
use claimkit::trace::Answering;
use tower::{Layer, Service};

/// Wraps a service in the `plugin` span (see [`plugin`](crate::plugin)).
#[derive(Debug, Clone, Copy, Default)]
pub struct PluginTraceLayer;

impl<S> Layer<S> for PluginTraceLayer {
    type Service = PluginTrace<S>;

    fn layer(&self, inner: S) -> PluginTrace<S> {
        PluginTrace { inner }
    }
}

/// The service made by [`PluginTraceLayer`].
#[derive(Debug, Clone)]
pub struct PluginTrace<S> {
    inner: S,
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
        let inner = span.in_scope(|| self.inner.call(request));
        claimkit::trace::answer_in(span, inner, status)
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
