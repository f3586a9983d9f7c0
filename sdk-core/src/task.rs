//! Work that runs after the response has gone out, contained: its errors and
//! panics are logged, never lost and never fatal.

use std::fmt::Display;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a background task may return: `()` or a `Result` whose error can be
/// logged.
pub trait TaskOutcome {
    /// The error to log, if the task failed.
    fn into_failure(self) -> Option<String>;
}

impl TaskOutcome for () {
    fn into_failure(self) -> Option<String> {
        None
    }
}

impl<E: Display> TaskOutcome for Result<(), E> {
    fn into_failure(self) -> Option<String> {
        self.err().map(|err| err.to_string())
    }
}

/// Wraps `task` so that, when it is run, a failure is logged at `error` level
/// and a panic is caught and logged instead of unwinding into the runtime.
///
/// Framework adapters spawn the returned future (`after_response` in
/// `claimkit-axum` and `claimkit-actix`); it needs no runtime of its own.
///
/// ```
/// async fn buggy() {
///     panic!("a bug")
/// }
/// # futures_executor::block_on(async {
/// claimkit::task::contain(async { Err::<(), _>("mail server down") }).await;
/// claimkit::task::contain(buggy()).await; // logged, not unwound
/// claimkit::task::contain(async {}).await;
/// # });
/// ```
pub fn contain<F>(task: F) -> Contained
where
    F: Future + Send + 'static,
    F::Output: TaskOutcome,
{
    Contained {
        task: Box::pin(async move { task.await.into_failure() }),
    }
}

/// The future returned by [`contain`].
#[must_use = "futures do nothing unless polled"]
pub struct Contained {
    task: Pin<Box<dyn Future<Output = Option<String>> + Send>>,
}

impl std::fmt::Debug for Contained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contained").finish_non_exhaustive()
    }
}

impl Future for Contained {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let task = self.task.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| task.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(None)) => Poll::Ready(()),
            Ok(Poll::Ready(Some(failure))) => {
                tracing::error!(error = %failure, "background task failed");
                Poll::Ready(())
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic payload".to_owned());
                tracing::error!(panic = %message, "background task panicked");
                // The task is finished; never poll it again.
                self.task = Box::pin(async { None });
                Poll::Ready(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn outcomes_are_contained() {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        block_on(contain(async move { flag.store(true, Ordering::SeqCst) }));
        assert!(ran.load(Ordering::SeqCst));
        block_on(contain(async { Err::<(), _>("boom") }));
        block_on(contain(async { Ok::<(), String>(()) }));
        async fn panics() {
            panic!("inside a task")
        }
        async fn panics_with_a_number() {
            std::panic::panic_any(42_u8)
        }
        block_on(contain(panics()));
        block_on(contain(panics_with_a_number()));
    }

    #[test]
    fn failures_are_described() {
        assert_eq!(Err::<(), _>("boom").into_failure().as_deref(), Some("boom"));
        assert_eq!(Ok::<(), String>(()).into_failure(), None);
        assert_eq!(().into_failure(), None);
    }
}
