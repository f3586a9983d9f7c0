//! "Answer now, act later".

use std::future::Future;

use claimkit::task::TaskOutcome;
use tokio::task::JoinHandle;
use tracing::Instrument;

/// Runs `task` after the response has gone out, on the Tokio runtime.
///
/// Use it for post-claim work that must not delay or fail the claim: the
/// handler answers `200` at once and the work happens afterwards. The task
/// runs in the caller's tracing span (so its logs carry the claim and attempt
/// ids); an `Err` it returns is logged at `error` level, and a panic is
/// caught and logged, never lost silently. Deadlines on the handler do not
/// cut it off.
///
/// It runs once, in this process: a failure is not retried and a crash
/// loses it. Work that must not be lost (a post-claim action that calls
/// another service) belongs in the store's durable queue instead
/// (`claimkit::store::enqueue_status_action`), run by
/// `claimkit_tokio::Runner`, which retries it until it succeeds.
///
/// ```no_run
/// use claimkit::Stateless;
/// use claimkit_axum::{after_response, Plugin};
///
/// async fn hook(request: Plugin) -> Stateless {
///     let attempt = request.attempt_id().map(str::to_owned);
///     after_response(async move {
///         // Work that may be lost with the process: warm a cache,
///         // record a metric (a mail or an API call goes in the queue).
///         tracing::info!(?attempt, "post-claim work done");
///         Ok::<(), std::io::Error>(())
///     });
///     Stateless
/// }
/// ```
pub fn after_response<F>(task: F) -> JoinHandle<()>
where
    F: Future + Send + 'static,
    F::Output: TaskOutcome,
{
    tokio::spawn(claimkit::task::contain(task).instrument(tracing::Span::current()))
}
