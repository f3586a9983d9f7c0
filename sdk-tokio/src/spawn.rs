//! Where the signature gate's clean-up runs when a handler never finishes.

use std::future::Future;
use std::pin::Pin;

/// Runs `task` on the current Tokio runtime, without waiting for it: the
/// [`Spawn`](claimkit::signature::Spawn) the adapters give
/// [`WebhookGate::running`](claimkit::signature::WebhookGate::running)
/// (actix-web runs on Tokio too). Outside a runtime, the task cannot run:
/// that is logged.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, rx) = tokio::sync::oneshot::channel();
/// claimkit_tokio::spawn(Box::pin(async move { tx.send(()).unwrap() }));
/// rx.await.unwrap();
/// # }
/// ```
pub fn spawn(task: Pin<Box<dyn Future<Output = ()> + Send>>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn(task)),
        Err(_) => tracing::error!(
            "no Tokio runtime to forget an unfinished webhook delivery on; its retry will be acknowledged"
        ),
    }
}
