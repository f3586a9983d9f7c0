//! Where the gate's clean-up runs when a handler never finishes.

use std::future::Future;
use std::pin::Pin;

/// Runs `task` on the current Tokio runtime, without waiting for it (a
/// [`Spawn`](claimkit::signature::Spawn) for
/// [`WebhookGate::running`](claimkit::signature::WebhookGate::running)).
pub(crate) fn spawn(task: Pin<Box<dyn Future<Output = ()> + Send>>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn(task)),
        Err(_) => tracing::error!(
            "no Tokio runtime to forget an unfinished webhook delivery on; its retry will be acknowledged"
        ),
    }
}
