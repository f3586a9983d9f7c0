use axum::Extension;
use claimkit::signature::Delivery;
use claimkit::Stateless;

/// A Standard Webhooks delivery (Svix and many senders), verified by the
/// `SignatureLayer` on its route before this runs; a redelivery never gets
/// here twice.
pub async fn standard_webhook(
    Extension(delivery): Extension<Delivery>,
    body: axum::body::Bytes,
) -> Stateless {
    let id = delivery.id().unwrap_or_default();
    tracing::info!(webhook_id = %id, bytes = body.len(), "side_effect: webhook processed");
    Stateless
}
