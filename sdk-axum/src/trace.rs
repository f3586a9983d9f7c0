//! The `plugin` tracing span around each call, as a tower layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::response::Response;
use tower::{Layer, Service};
use tracing::instrument::{Instrument, Instrumented};

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
        PluginTraceFuture {
            inner: inner.instrument(span),
            started: Instant::now(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`PluginTrace`]: the inner future, run in the
    /// call's span, and the answer logged when it completes.
    #[derive(Debug)]
    pub struct PluginTraceFuture<F> {
        #[pin]
        inner: Instrumented<F>,
        started: Instant,
    }
}

impl<F, E> Future for PluginTraceFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let result = std::task::ready!(this.inner.as_mut().poll(cx));
        if let Ok(response) = &result {
            let _entered = this.inner.span().enter();
            claimkit::trace::answered(response.status().as_u16(), this.started.elapsed());
        }
        Poll::Ready(result)
    }
}
