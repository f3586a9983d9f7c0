//! The signature layer: verify before anything else happens.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use claimkit::signature::{Reception, Verifier, WebhookGate};
use claimkit::store::{Deliveries, MemoryStore};
use tower::{Layer, Service};

use super::HttpHeaders;
use crate::body::AxumBody;
use crate::trace::status;
use claimkit_tokio::spawn;

/// Verifies signed webhooks before the wrapped service sees them.
///
/// For each request it checks `Content-Length` against the body limit
/// (`413`), reads the body within the limit (`413`), verifies the signature
/// (`400` for missing or malformed headers, `401` for a bad signature or a
/// stale timestamp), and recognises a delivery id seen before: by default it
/// is acknowledged with `200 {}` and never reaches the service twice. A
/// verified delivery reaches the service with its body untouched and its
/// [`Delivery`](claimkit::signature::Delivery) (id, timestamp, matched
/// secret) in the request extensions. When the service answers with
/// anything but a success, or never finishes (it panics, or its future is
/// dropped at a deadline or when the sender hangs up), the delivery id is
/// forgotten so that the sender's retry runs it again. Refusals answer
/// `{"message": ...}`.
///
/// ```
/// use axum::routing::post;
/// use axum::{Extension, Router};
/// use claimkit::signature::{Delivery, StandardWebhooks, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_axum::SignatureLayer;
///
/// async fn receive(Extension(delivery): Extension<Delivery>, body: String) -> Stateless {
///     tracing::info!(webhook_id = delivery.id(), bytes = body.len(), "received");
///     Stateless
/// }
///
/// let verifier = StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?;
/// let app: Router = Router::new()
///     .route("/webhooks/standard", post(receive))
///     .layer(SignatureLayer::new(WebhookGate::new(verifier)));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug)]
pub struct SignatureLayer<V, D = MemoryStore> {
    gate: Arc<WebhookGate<V, D>>,
}

impl<V, D> SignatureLayer<V, D> {
    /// A layer driving `gate`.
    pub fn new(gate: impl Into<Arc<WebhookGate<V, D>>>) -> Self {
        Self { gate: gate.into() }
    }
}

impl<V, D> Clone for SignatureLayer<V, D> {
    fn clone(&self) -> Self {
        Self {
            gate: self.gate.clone(),
        }
    }
}

impl<S, V, D> Layer<S> for SignatureLayer<V, D> {
    type Service = Signature<S, V, D>;

    fn layer(&self, inner: S) -> Self::Service {
        Signature {
            inner,
            gate: self.gate.clone(),
        }
    }
}

/// The service made by [`SignatureLayer`].
#[derive(Debug)]
pub struct Signature<S, V, D = MemoryStore> {
    inner: S,
    gate: Arc<WebhookGate<V, D>>,
}

impl<S: Clone, V, D> Clone for Signature<S, V, D> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            gate: self.gate.clone(),
        }
    }
}

impl<S, V, D> Service<Request> for Signature<S, V, D>
where
    S: Service<Request, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    V: Verifier,
    D: Deliveries + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone that was driven to readiness serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let gate = self.gate.clone();
        let span = claimkit::trace::webhook_span(request.method().as_str(), request.uri().path());
        let answer = async move {
            let (parts, body) = request.into_parts();
            let length = parts.headers.get(CONTENT_LENGTH).map(|v| v.as_bytes());
            match gate
                .receive(length, &HttpHeaders(&parts.headers), AxumBody(body), spawn)
                .await
            {
                Reception::Answer(answer) => Ok(answer.into_response()),
                Reception::Run(admitted) => {
                    let (delivery, body, running) = admitted.into_parts();
                    let mut request = Request::from_parts(parts, Body::from(body));
                    request.extensions_mut().insert(delivery);
                    // Dropped unfinished (a panic, a deadline), the
                    // guard frees the delivery so its retry runs.
                    let response = inner.call(request).await?;
                    running.finish(response.status().as_u16()).await;
                    Ok(response)
                }
            }
        };
        Box::pin(claimkit::trace::answer_in(span, answer, status))
    }
}
