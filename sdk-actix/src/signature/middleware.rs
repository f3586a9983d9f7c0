//! The signature middleware: verify before anything else happens.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::EitherBody;
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpMessage, Responder};
use claimkit::signature::{Reception, Verifier, WebhookGate};
use claimkit::store::{Deliveries, MemoryStore};

use super::HttpHeaders;
use crate::body::ActixBody;
use crate::trace::status;
use claimkit_tokio::spawn;

/// Verifies signed webhooks before the wrapped service sees them; the
/// counterpart of `claimkit-axum`'s `SignatureLayer`, passed to `.wrap()`.
///
/// For each request it checks `Content-Length` against the body limit
/// (`413`), reads the body within the limit (`413`), verifies the signature
/// (`400` for missing or malformed headers, `401` for a bad signature or a
/// stale timestamp), and recognises a delivery id seen before: by default it
/// is acknowledged with `200 {}` and never reaches the service twice. A
/// verified delivery reaches the service with its body untouched and its
/// [`Delivery`](claimkit::signature::Delivery) (id, timestamp, matched
/// secret) in the request extensions. When the service answers with
/// anything but a success, fails with an error (an inner middleware's
/// `Err`), or never finishes (its future is dropped at a deadline or when
/// the sender hangs up), the delivery id is forgotten so that the sender's
/// retry runs it again. (A handler that panics takes its actix-web worker
/// down with it, and the clean-up with the worker's runtime.) Refusals
/// answer `{"message": ...}`.
///
/// ```
/// use actix_web::{web, App, HttpRequest, HttpMessage};
/// use claimkit::signature::{Delivery, StandardWebhooks, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_actix::Signature;
///
/// async fn receive(request: HttpRequest, body: web::Bytes) -> Stateless {
///     let id = request.extensions().get::<Delivery>().and_then(|d| d.id().map(str::to_owned));
///     tracing::info!(webhook_id = ?id, bytes = body.len(), "received");
///     Stateless
/// }
///
/// let verifier = StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?;
/// let signature = Signature::new(WebhookGate::new(verifier));
/// let app = App::new().service(
///     web::resource("/webhooks/standard")
///         .route(web::post().to(receive))
///         .wrap(signature),
/// );
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug)]
pub struct Signature<V, D = MemoryStore> {
    gate: Arc<WebhookGate<V, D>>,
}

impl<V, D> Signature<V, D> {
    /// A middleware driving `gate`.
    pub fn new(gate: impl Into<Arc<WebhookGate<V, D>>>) -> Self {
        Self { gate: gate.into() }
    }
}

impl<V, D> Clone for Signature<V, D> {
    fn clone(&self) -> Self {
        Self {
            gate: self.gate.clone(),
        }
    }
}

impl<S, B, V, D> Transform<S, ServiceRequest> for Signature<V, D>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
    V: Verifier,
    D: Deliveries + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = SignatureMiddleware<S, V, D>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SignatureMiddleware {
            service: Rc::new(service),
            gate: self.gate.clone(),
        }))
    }
}

/// The service made by [`Signature`].
#[derive(Debug)]
pub struct SignatureMiddleware<S, V, D = MemoryStore> {
    service: Rc<S>,
    gate: Arc<WebhookGate<V, D>>,
}

impl<S, B, V, D> Service<ServiceRequest> for SignatureMiddleware<S, V, D>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
    V: Verifier,
    D: Deliveries + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, actix_web::Error>>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let gate = self.gate.clone();
        let span = claimkit::trace::webhook_span(request.method().as_str(), request.path());
        let answer = async move {
            let (http, payload) = request.into_parts();
            let length = http.headers().get(CONTENT_LENGTH).map(|v| v.as_bytes());
            let reception = gate
                .receive(
                    length,
                    &HttpHeaders(http.headers()),
                    ActixBody(payload),
                    spawn,
                )
                .await;
            match reception {
                Reception::Answer(answer) => {
                    let answer = answer.respond_to(&http).map_into_boxed_body();
                    Ok(ServiceResponse::new(http, answer).map_into_right_body())
                }
                Reception::Run(admitted) => {
                    let (delivery, body, running) = admitted.into_parts();
                    http.extensions_mut().insert(delivery);
                    let request = ServiceRequest::from_parts(http, Payload::from(body));
                    // Dropped unfinished (a panic, a deadline), the
                    // guard frees the delivery so its retry runs.
                    let result = service.call(request).await;
                    // An inner middleware's error is answered by actix-web
                    // later, with its own status: a failure all the same.
                    let status = status(&result).unwrap_or(500);
                    running.finish(status).await;
                    result.map(ServiceResponse::map_into_left_body)
                }
            }
        };
        Box::pin(claimkit::trace::answer_in(span, answer, status))
    }
}
