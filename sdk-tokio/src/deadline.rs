//! A handler's answer within a deadline, on Tokio's timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use claimkit::Error;
use tokio::time::Timeout;

/// Runs `inner` until `deadline`: what both adapters' deadline middleware
/// poll (`claimkit-axum`'s `DeadlineLayer`, `claimkit-actix`'s
/// `Deadline`), each turning the error into its framework's `503`.
///
/// The timer is armed only if `inner` does not finish on its first poll.
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
        inner: tokio::time::timeout(deadline, inner),
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
        inner: Timeout<F>,
        deadline: Duration,
    }
}

impl<F: Future> Future for AnswerWithin<F> {
    type Output = Result<F::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match std::task::ready!(this.inner.poll(cx)) {
            Ok(output) => Poll::Ready(Ok(output)),
            Err(_elapsed) => {
                let err = Error::timeout(*this.deadline);
                claimkit::trace::rejected(&err);
                Poll::Ready(Err(err))
            }
        }
    }
}
