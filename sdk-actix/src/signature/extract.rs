//! The wrapper extractor: verify, then hand the untouched body on.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;

use actix_web::body::BoxBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, Responder};
use claimkit::signature::{Delivery, HmacVerifier, Reception, Verifier, WebhookGate};
use claimkit::store::{Deliveries, MemoryStore};
use claimkit::{Error, ErrorKind, Stateless};

use super::HttpHeaders;
use crate::body::ActixBody;
use claimkit_tokio::spawn;

/// Verifies a signed webhook, then extracts `T` (such as
/// `web::Json<Event>` or `web::Bytes`) from the untouched body; the
/// counterpart of `claimkit-axum`'s `Signed`.
///
/// The [`WebhookGate`] comes from `app_data` as
/// `web::Data<WebhookGate<V, D>>`. Refusals and statuses are those of
/// [`Signature`](crate::Signature); a redelivery is acknowledged with
/// `200 {}` and the handler does not run. (actix-web lets an extractor
/// answer early only with an error; mounted with [`webhook`](crate::webhook),
/// the acknowledgement is a plain response again, which middleware and logs
/// do not count as a failure.) A delivery whose `T` cannot be
/// extracted is forgotten, so that a corrected retry runs. The middleware
/// also forgets a delivery whose handler fails; the extractor cannot see the
/// handler's answer, so prefer the middleware when handlers can fail.
///
/// ```
/// use actix_web::{web, App};
/// use claimkit::claimr::ClaimrEvent;
/// use claimkit::signature::{HmacScheme, HmacVerifier, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_actix::{webhook, Signed};
///
/// async fn receive(event: Signed<web::Json<ClaimrEvent>>) -> Stateless {
///     tracing::info!(webhook_id = event.delivery().id(), "claimr event");
///     Stateless
/// }
///
/// let gate = WebhookGate::new(HmacVerifier::new(HmacScheme::claimr(), Secret::new("s3cret")?)?);
/// let app = App::new()
///     .app_data(web::Data::new(gate))
///     .service(webhook("/webhooks/claimr", receive));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug)]
pub struct Signed<T, V = HmacVerifier, D = MemoryStore> {
    inner: T,
    delivery: Delivery,
    _gate: PhantomData<fn() -> (V, D)>,
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

impl<T, V, D> FromRequest for Signed<T, V, D>
where
    T: FromRequest + 'static,
    T::Error: Into<actix_web::Error>,
    V: Verifier,
    D: Deliveries + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            let Some(gate) = request.app_data::<web::Data<WebhookGate<V, D>>>().cloned() else {
                tracing::error!(
                    "no claimkit::signature::WebhookGate is registered for this route: add one with \
                     App::app_data(web::Data::new(gate))"
                );
                return Err(Error::new(ErrorKind::InvalidConfig).into());
            };
            let length = request.headers().get(CONTENT_LENGTH).map(|v| v.as_bytes());
            let reception = gate
                .receive(
                    length,
                    &HttpHeaders(request.headers()),
                    ActixBody(payload),
                    spawn,
                )
                .await;
            let admitted = match reception {
                Reception::Answer(Err(err)) => return Err(err.into()),
                Reception::Answer(Ok(acknowledged)) => {
                    let answer = acknowledged.respond_to(&request).map_into_boxed_body();
                    return Err(InternalError::from_response(Acknowledged, answer).into());
                }
                Reception::Run(admitted) => admitted,
            };
            // The handler's answer is out of sight: the delivery is done
            // once it is extracted, and freed when the inner extractor
            // refuses it.
            let (delivery, body, running) = admitted.into_parts();
            request.extensions_mut().insert(delivery.clone());
            match T::from_request(&request, &mut Payload::from(body)).await {
                Ok(inner) => {
                    running.finish(200).await;
                    Ok(Self {
                        inner,
                        delivery,
                        _gate: PhantomData,
                    })
                }
                Err(err) => {
                    let err: actix_web::Error = err.into();
                    running
                        .finish(err.as_response_error().status_code().as_u16())
                        .await;
                    Err(err)
                }
            }
        })
    }
}

/// What the extractor's early answer to a redelivery carries: actix-web
/// lets an extractor answer only with an error, so the acknowledgement
/// travels as one, and [`answer_acknowledged`] makes it a response again.
#[derive(Debug)]
struct Acknowledged;

impl fmt::Display for Acknowledged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("redelivery acknowledged")
    }
}

/// Answers a redelivery acknowledged by [`Signed`] with the plain `200 {}`
/// it is: a response, not the error actix-web makes of an extractor's early
/// answer (which middleware and logs would count as a failure). The
/// [`webhook`](crate::webhook) route applies it.
pub(crate) async fn answer_acknowledged(
    request: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse, actix_web::Error> {
    let response = next.call(request).await?;
    let acknowledged = response
        .response()
        .error()
        .and_then(|err| err.as_error::<InternalError<Acknowledged>>())
        .is_some();
    if !acknowledged {
        return Ok(response);
    }
    let (request, _) = response.into_parts();
    let answer = Stateless.respond_to(&request).map_into_boxed_body();
    Ok(ServiceResponse::new(request, answer))
}
