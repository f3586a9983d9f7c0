//! The tracing spans and events every adapter emits, in one place.
//!
//! Spans carry the method, the path (never the query, which holds the
//! secret of a `GET` call), and once the request is decoded the claim id,
//! attempt id, status and simulation flag. No span or event ever holds a
//! secret, a signature or a body.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tracing::field::Empty;
use tracing::instrument::{Instrument, Instrumented};
use tracing::Span;

use crate::{CallMeter, Error, PluginRequest};

/// The span of one plugin call. Adapters enter it around the handler;
/// [`record`] fills in the claim fields once the request is decoded.
pub fn plugin_span(method: &str, path: &str) -> Span {
    tracing::info_span!(
        "plugin",
        method,
        path,
        claim_id = Empty,
        attempt_id = Empty,
        status = Empty,
        simulation = Empty,
    )
}

/// The span of one signed webhook delivery.
pub fn webhook_span(method: &str, path: &str) -> Span {
    tracing::info_span!("webhook", method, path, webhook_id = Empty)
}

/// Records a decoded request's claim fields in the current span.
pub fn record<I>(request: &PluginRequest<I>) {
    // The `plugin` span and the event below are `info`: with `info` off
    // (a global level check), there is nothing to record into or log.
    if !tracing::level_enabled!(tracing::Level::INFO) {
        return;
    }
    let span = Span::current();
    if let Some(claim) = request.claim_id() {
        span.record("claim_id", claim);
    }
    if let Some(attempt) = request.attempt_id() {
        span.record("attempt_id", attempt);
    }
    span.record("status", request.attempt_status().as_str());
    span.record("simulation", request.is_simulation());
    if !request.secret_match().is_current() {
        tracing::info!(
            secret_index = request.secret_match().index(),
            "request used a previous plugin secret"
        );
    }
}

/// Logs a refused request: `warn` for a bad secret or signature, `error`
/// for a server-side failure, `info` otherwise; counts a refusal the caller
/// caused in [`REFUSED`](crate::metrics::REFUSED).
pub fn rejected(err: &Error) {
    let kind = err.kind();
    crate::metrics::refused(kind);
    match err.status() {
        401 => tracing::warn!(?kind, message = err.message(), "request refused"),
        500.. => tracing::error!(?kind, message = err.message(), "request failed"),
        _ => tracing::info!(?kind, message = err.message(), "request refused"),
    }
}

/// Logs the answer to a call: `error` for a server error, `debug`
/// otherwise (refusals are logged where they happen, by [`rejected`]).
pub fn answered(status: u16, elapsed: Duration) {
    let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(status, elapsed_ms, "answered");
    } else {
        tracing::debug!(status, elapsed_ms, "answered");
    }
}

/// Runs `inner`, one call's answer, in `span`, and logs the answer's status
/// and latency ([`answered`]) when it completes: the tracing middleware of
/// both adapters, whose futures are this one. `status` reads the status of
/// `inner`'s output; `None` logs nothing (an error the framework answers
/// later, with a status of its own).
pub fn answer_in<F: Future>(
    span: Span,
    inner: F,
    status: fn(&F::Output) -> Option<u16>,
) -> Answering<F> {
    Answering {
        inner: inner.instrument(span),
        started: Instant::now(),
        status,
        meter: None,
    }
}

pin_project_lite::pin_project! {
    /// The future of [`answer_in`].
    pub struct Answering<F: Future> {
        #[pin]
        inner: Instrumented<F>,
        started: Instant,
        status: fn(&F::Output) -> Option<u16>,
        meter: Option<CallMeter>,
    }
}

impl<F: Future> Answering<F> {
    /// Also counts the answer's status and latency in `meter`, the
    /// plugin route's (both adapters' plugin tracing middleware, for a
    /// route given a name).
    pub fn with_meter(mut self, meter: Option<CallMeter>) -> Self {
        self.meter = meter;
        self
    }
}

impl<F: Future> Future for Answering<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        let output = std::task::ready!(this.inner.as_mut().poll(cx));
        let Some(status) = (this.status)(&output) else {
            return Poll::Ready(output);
        };
        // Neither the clock nor the span is touched for an answer no meter
        // counts and no one logs (`answered` logs below `error` at `debug`).
        let logged = status >= 500 || tracing::enabled!(tracing::Level::DEBUG);
        let elapsed = (this.meter.is_some() || logged).then(|| this.started.elapsed());
        if let (Some(meter), Some(elapsed)) = (this.meter, elapsed) {
            meter.record(status, elapsed);
        }
        if let (true, Some(elapsed)) = (logged, elapsed) {
            let _entered = this.inner.span().enter();
            answered(status, elapsed);
        }
        Poll::Ready(output)
    }
}

impl<F: Future> fmt::Debug for Answering<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answering")
            .field("span", self.inner.span())
            .field("started", &self.started)
            .field("meter", &self.meter)
            .finish_non_exhaustive()
    }
}
