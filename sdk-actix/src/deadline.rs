//! Answering before the platform gives up on a slow handler.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::ResponseError;
use claimkit::{Error, DEFAULT_DEADLINE};

/// Answers `503 {"message": ...}` when the wrapped service has not answered
/// within the deadline (9 s by default: BitBadges gives up after 10 s, and a
/// message it can record is better than a timeout); the counterpart of
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
        ready(Ok(DeadlineMiddleware {
            service,
            deadline: self.deadline,
        }))
    }
}

/// The service made by [`Deadline`].
#[derive(Debug)]
pub struct DeadlineMiddleware<S> {
    service: S,
    deadline: Duration,
}

impl<S, B> Service<ServiceRequest> for DeadlineMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: actix_web::body::MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let http = request.request().clone();
        let deadline = self.deadline;
        let answer = self.service.call(request);
        Box::pin(async move {
            match actix_web::rt::time::timeout(deadline, answer).await {
                Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
                Err(_) => {
                    let err = Error::timeout(deadline);
                    claimkit::trace::rejected(&err);
                    Ok(ServiceResponse::new(http, err.error_response()))
                }
            }
        })
    }
}
