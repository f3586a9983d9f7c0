//! The tracing spans and events every adapter emits, in one place.
//!
//! Spans carry the method, the path (never the query, which holds the
//! secret of a `GET` call), and once the request is decoded the claim id,
//! attempt id, status and simulation flag. No span or event ever holds a
//! secret, a signature or a body.

use std::time::Duration;

use tracing::field::Empty;
use tracing::Span;

use crate::{Error, PluginRequest};

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
/// for a server-side failure, `info` otherwise.
pub fn rejected(err: &Error) {
    let kind = err.kind();
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
