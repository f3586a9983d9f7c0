use axum::body::Bytes;
use claimkit::claimr::ClaimrEvent;
use claimkit::signature::HmacVerifier;
use claimkit::{Error, Stateless};
use claimkit_axum::Signed;
use claimkit_store::Store;

/// A claimr event, verified by the `Signed` extractor before its body is
/// read; a redelivery (claimr retries after 5 s, 30 s, 1 min, 5 min) never
/// gets here twice.
pub async fn claimr_webhook(body: Signed<Bytes, HmacVerifier, Store>) -> Result<Stateless, Error> {
    let event = ClaimrEvent::from_json(&body)?;
    let id = body.delivery().id().unwrap_or_default();
    tracing::info!(webhook_id = %id, scope = %event.scope, "side_effect: webhook processed");
    Ok(Stateless)
}
