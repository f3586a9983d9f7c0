//! Answering before the platform gives up on a slow handler.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{HttpRequest, ResponseError};
use claimkit::DEFAULT_DEADLINE;
use claimkit_tokio::{answer_within, AnswerWithin};

/// Answers `503 {"message": ...}` when the wrapped service has not answered
/// within the deadline ([`DEFAULT_DEADLINE`], 5 s, by default: the platform
/// publishes both 6 s and 10 s as its timeout, and a message it can record
/// is better than a timeout); the counterpart of
/// `claimkit-axum`'s `DeadlineLayer`, passed to `.wrap()`.
///
/// The handler's future is dropped at the deadline; work it started with
/// [`after_response`](crate::after_response) runs on, as its own task.
/// [`plugin`](crate::plugin) applies the default deadline;
/// [`plugin_with_deadline`](crate::plugin_with_deadline) another one.
///
/// ```
/// use std::time::Duration;
/// use actix_web::{web, App};
/// use claimkit::Stateless;
/// use claimkit_actix::Deadline;
///
/// let app = App::new().service(
///     web::resource("/slow")
///         .route(web::post().to(|| async { Stateless }))
///         .wrap(Deadline::new(Duration::from_secs(5))),
/// );
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    deadline: Duration,
}

impl Deadline {
    /// A middleware answering `503` after `deadline`.
    pub fn new(deadline: Duration) -> Self {
        Self { deadline }
    }
}

impl Default for Deadline {
    /// The default deadline, [`DEFAULT_DEADLINE`].
    fn default() -> Self {
        Self::new(DEFAULT_DEADLINE)
    }
}

impl<S, B> Transform<S, ServiceRequest> for Deadline
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: actix_web::body::MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Transform = DeadlineMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<DeadlineMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(DeadlineMiddleware::with(service, self.deadline)))
    }
}

/// The service made by [`Deadline`].
#[derive(Debug)]
pub struct DeadlineMiddleware<S> {
    service: S,
    deadline: Duration,
}

impl<S> DeadlineMiddleware<S> {
    /// `service`, answered `503` after `deadline`.
    pub(crate) fn with(service: S, deadline: Duration) -> Self {
        Self { service, deadline }
    }
}

impl<S, B> Service<ServiceRequest> for DeadlineMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: actix_web::body::MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = DeadlineFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let http = request.request().clone();
        DeadlineFuture {
            inner: answer_within(self.deadline, self.service.call(request)),
            request: http,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`DeadlineMiddleware`]. The timer is armed
    /// only if the service does not answer on its first poll.
    #[derive(Debug)]
    pub struct DeadlineFuture<F> {
        #[pin]
        inner: AnswerWithin<F>,
        request: HttpRequest,
    }
}

impl<F, B> Future for DeadlineFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: actix_web::body::MessageBody + 'static,
{
    type Output = Result<ServiceResponse<BoxBody>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        Poll::Ready(match std::task::ready!(this.inner.poll(cx)) {
            Ok(answered) => answered.map(ServiceResponse::map_into_boxed_body),
            Err(timeout) => Ok(ServiceResponse::new(
                this.request.clone(),
                timeout.error_response(),
            )),
        })
    }
}
