//! A handler's answer within a deadline, on Tokio's timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use claimkit::Error;
use tokio::time::Sleep;

/// Runs `inner` until `deadline`: what both adapters' deadline middleware
/// poll (`claimkit-axum`'s `DeadlineLayer`, `claimkit-actix`'s
/// `Deadline`), each turning the error into its framework's `503`.
///
/// The deadline runs from the first poll that leaves `inner` pending (in
/// practice the call's first); the timer is made only then, so a handler
/// that answers on its first poll never makes one.
///
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let slow = std::future::pending::<()>();
/// let err = claimkit_tokio::answer_within(Duration::from_secs(5), slow).await.unwrap_err();
/// assert_eq!(err.status(), 503);
/// # }
/// ```
pub fn answer_within<F: Future>(deadline: Duration, inner: F) -> AnswerWithin<F> {
    AnswerWithin {
        inner,
        sleep: None,
        deadline,
    }
}

pin_project_lite::pin_project! {
    /// The future of [`answer_within`]: `inner`'s output, or, at the
    /// deadline, [`Error::timeout`], logged as a refusal
    /// ([`claimkit::trace::rejected`]).
    #[derive(Debug)]
    pub struct AnswerWithin<F> {
        #[pin]
        inner: F,
        // Set on the first poll that leaves `inner` pending: a call
        // answered on its first poll neither reads the clock nor makes a
        // timer (BENCHMARKS.md).
        #[pin]
        sleep: Option<Sleep>,
        deadline: Duration,
    }
}

impl<F: Future> Future for AnswerWithin<F> {
    type Output = Result<F::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(output) = this.inner.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep(*this.deadline)));
        }
        match this.sleep.as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Ready(())) => {
                let err = Error::timeout(*this.deadline);
                claimkit::trace::rejected(&err);
                Poll::Ready(Err(err))
            }
            _ => Poll::Pending,
        }
    }
}
