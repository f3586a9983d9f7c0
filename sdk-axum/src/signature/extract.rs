//! The wrapper extractor: verify, then hand the untouched body on.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use claimkit::signature::{Delivery, HmacVerifier, Reception, Verifier, WebhookGate};
use claimkit::store::{Deliveries, MemoryStore};

use super::HttpHeaders;
use crate::body::AxumBody;
use claimkit_tokio::spawn;

/// Verifies a signed webhook, then extracts `T` (such as `Json<Event>`)
/// from the untouched body.
///
/// The [`WebhookGate`] comes from the router state as
/// `Arc<WebhookGate<V, D>>` (through [`FromRef`]). Refusals and statuses are
/// those of [`SignatureLayer`](crate::SignatureLayer); a redelivery is
/// acknowledged with `200 {}` and the handler does not run. A delivery whose
/// `T` cannot be extracted is forgotten, so that a corrected retry runs. The
/// layer also forgets a delivery whose handler fails; the extractor cannot
/// see the handler's answer, so prefer the layer when handlers can fail.
///
/// ```
/// use std::sync::Arc;
///
/// use axum::routing::post;
/// use axum::{Json, Router};
/// use claimkit::claimr::ClaimrEvent;
/// use claimkit::signature::{HmacScheme, HmacVerifier, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_axum::Signed;
///
/// async fn receive(event: Signed<Json<ClaimrEvent>>) -> Stateless {
///     tracing::info!(webhook_id = event.delivery().id(), "claimr event");
///     Stateless
/// }
///
/// let gate = WebhookGate::new(HmacVerifier::new(HmacScheme::claimr(), Secret::new("s3cret")?)?);
/// let app: Router = Router::new()
///     .route("/webhooks/claimr", post(receive))
///     .with_state(Arc::new(gate));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug)]
pub struct Signed<T, V = HmacVerifier, D = MemoryStore> {
    inner: T,
    delivery: Delivery,
    _gate: std::marker::PhantomData<fn() -> (V, D)>,
}

impl<T, V, D> Signed<T, V, D> {
    /// The inner extractor's value.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The verified delivery: id, timestamp, matched secret.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }
}

impl<T, V, D> Deref for Signed<T, V, D> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T, V, D> DerefMut for Signed<T, V, D> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<S, T, V, D> FromRequest<S> for Signed<T, V, D>
where
    S: Send + Sync,
    T: FromRequest<S> + Send,
    V: Verifier,
    D: Deliveries + 'static,
    Arc<WebhookGate<V, D>>: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let gate = Arc::<WebhookGate<V, D>>::from_ref(state);
        let (mut parts, body) = request.into_parts();
        let length = parts.headers.get(CONTENT_LENGTH).map(|v| v.as_bytes());
        let admitted = match gate
            .receive(length, &HttpHeaders(&parts.headers), AxumBody(body), spawn)
            .await
        {
            Reception::Answer(answer) => return Err(answer.into_response()),
            Reception::Run(admitted) => admitted,
        };
        // The handler's answer is out of sight: the delivery is done once
        // it is extracted, and freed when the inner extractor refuses it.
        let (delivery, body, running) = admitted.into_parts();
        parts.extensions.insert(delivery.clone());
        let extracted = T::from_request(Request::from_parts(parts, Body::from(body)), state)
            .await
            .map_err(IntoResponse::into_response);
        match extracted {
            Ok(inner) => {
                running.finish(200).await;
                Ok(Self {
                    inner,
                    delivery,
                    _gate: std::marker::PhantomData,
                })
            }
            Err(rejection) => {
                running.finish(rejection.status().as_u16()).await;
                Err(rejection)
            }
        }
    }
}
