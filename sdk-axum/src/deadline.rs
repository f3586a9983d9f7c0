//! Answering before the platform gives up on a slow handler.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use claimkit::DEFAULT_DEADLINE;
use claimkit_tokio::{answer_within, AnswerWithin};
use tower::{Layer, Service};

/// Answers `503 {"message": ...}` when the wrapped service has not answered
/// within the deadline ([`DEFAULT_DEADLINE`], 5 s, by default: the platform
/// publishes both 6 s and 10 s as its timeout, and a message it can record
/// is better than a timeout).
///
/// The deadline is kept by Tokio's timer
/// ([`claimkit_tokio::answer_within`]): the runtime needs its time driver
/// (`#[tokio::main]` enables it). The handler's future is dropped at the
/// deadline; work it started with
/// [`after_response`](crate::after_response) runs on, as its own task.
/// [`plugin`](crate::plugin) applies the default deadline;
/// [`plugin_with_deadline`](crate::plugin_with_deadline) another one.
///
/// ```
/// use std::time::Duration;
/// use axum::routing::post;
/// use axum::Router;
/// use claimkit::Stateless;
/// use claimkit_axum::DeadlineLayer;
///
/// let app: Router = Router::new().route(
///     "/slow",
///     post(|| async { Stateless }).layer(DeadlineLayer::new(Duration::from_secs(5))),
/// );
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DeadlineLayer {
    deadline: Duration,
}

impl DeadlineLayer {
    /// A layer answering `503` after `deadline`.
    pub fn new(deadline: Duration) -> Self {
        Self { deadline }
    }
}

impl DeadlineLayer {
    /// How long a handler has.
    pub(crate) fn duration(&self) -> Duration {
        self.deadline
    }
}

impl Default for DeadlineLayer {
    /// The default deadline, [`DEFAULT_DEADLINE`].
    fn default() -> Self {
        Self::new(DEFAULT_DEADLINE)
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Deadline<S> {
        Deadline {
            inner,
            deadline: self.deadline,
        }
    }
}

/// The service made by [`DeadlineLayer`].
#[derive(Debug, Clone)]
pub struct Deadline<S> {
    inner: S,
    deadline: Duration,
}

impl<S> Service<Request> for Deadline<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = DeadlineFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        DeadlineFuture {
            inner: answer_within(self.deadline, self.inner.call(request)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`Deadline`].
    #[derive(Debug)]
    pub struct DeadlineFuture<F> {
        #[pin]
        inner: AnswerWithin<F>,
    }
}

impl<F, E> Future for DeadlineFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::task::ready!(self.project().inner.poll(cx)) {
            Ok(answered) => Poll::Ready(answered),
            Err(timeout) => Poll::Ready(Ok(timeout.into_response())),
        }
    }
}
