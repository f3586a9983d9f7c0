use std::convert::Infallible;

use actix_web::web::Data;
use claimkit::store::{self, DeliveryTerms};
use claimkit::{AttemptStatus, Error, Stateless};
use claimkit_actix::{after_response, Plugin};
use claimkit_store::Store;

/// Answers `200 {}` at once; on a `success` or `failure` status webhook
/// (never a simulation) it runs the post-claim action once per attempt and
/// status, however often the platform retries the webhook (a retry while
/// the action runs gets `409`, so the platform comes back).
pub async fn status_hook(store: Data<Store>, request: Plugin) -> Result<Stateless, Error> {
    let terms = DeliveryTerms::default();
    if let Some(leased) = store::status_webhook(store.get_ref(), request.context(), &terms).await? {
        let attempt = request.attempt_id().unwrap_or_default().to_owned();
        let status = request.status().clone();
        after_response(async move {
            leased
                .finish(post_claim_action(attempt, status).await)
                .await
        });
    }
    Ok(Stateless)
}

/// The side effect: a real plugin would send a mail or call an API here.
async fn post_claim_action(attempt: String, status: AttemptStatus) -> Result<(), Infallible> {
    tracing::info!(claim_attempt_id = %attempt, status = %status, "side_effect: post-claim action");
    Ok(())
}
