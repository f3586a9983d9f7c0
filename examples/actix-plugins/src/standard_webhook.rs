use actix_web::{web, HttpMessage, HttpRequest};
use claimkit::signature::Delivery;
use claimkit::Stateless;

/// A Standard Webhooks delivery (Svix and many senders), verified by the
/// `Signature` middleware on its resource before this runs; a redelivery
/// never gets here twice.
pub async fn standard_webhook(request: HttpRequest, body: web::Bytes) -> Stateless {
    let id = request
        .extensions()
        .get::<Delivery>()
        .and_then(|d| d.id().map(str::to_owned))
        .unwrap_or_default();
    tracing::info!(webhook_id = %id, bytes = body.len(), "side_effect: webhook processed");
    Stateless
}
