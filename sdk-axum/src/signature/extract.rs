//! The wrapper extractor: verify, then hand the untouched body on.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use claimkit::signature::{Delivery, HmacVerifier, Verifier, WebhookGate};
use claimkit::store::{Dedupe, MemoryDedupe};
use claimkit::{Error, Stateless};

use super::HttpHeaders;
use crate::body::{read_body, refuse};

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
pub struct Signed<T, V = HmacVerifier, D = MemoryDedupe> {
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
    T: FromRequest<S>,
    V: Verifier,
    D: Dedupe + 'static,
    Arc<WebhookGate<V, D>>: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let gate = Arc::<WebhookGate<V, D>>::from_ref(state);
        let (mut parts, body) = request.into_parts();
        let admitted = async {
            let length = parts.headers.get(CONTENT_LENGTH).map(|v| v.as_bytes());
            if let Err(err) = gate.check_length(length) {
                return Err(refuse(body, length, err).await);
            }
            let body = read_body(body, gate.body_limit()).await?;
            let admission = gate.admit(&HttpHeaders(&parts.headers), &body).await?;
            Ok::<_, Error>((admission, body))
        }
        .await;
        let (admission, body) = match admitted {
            Ok(admitted) => admitted,
            Err(err) => {
                claimkit::trace::rejected(&err);
                return Err(err.into_response());
            }
        };
        if admission.acknowledge_only() {
            return Err(Stateless.into_response());
        }
        let delivery = admission.into_delivery();
        parts.extensions.insert(delivery.clone());
        let rejection =
            match T::from_request(Request::from_parts(parts, Body::from(body)), state).await {
                Ok(inner) => {
                    return Ok(Self {
                        inner,
                        delivery,
                        _gate: std::marker::PhantomData,
                    })
                }
                Err(rejection) => rejection.into_response(),
            };
        gate.finish(&delivery, rejection.status().as_u16()).await;
        Err(rejection)
    }
}
