use actix_web::web::Data;
use claimkit::store::{Dedupe, MemoryDedupe};
use claimkit::{AttemptStatus, Error, Stateless};
use claimkit_actix::{after_response, Plugin};

/// Answers `200 {}` at once; on a `success` or `failure` status webhook
/// (never a simulation) it runs the post-claim action once per attempt,
/// however often the platform retries the webhook.
pub async fn status_hook(seen: Data<MemoryDedupe>, request: Plugin) -> Result<Stateless, Error> {
    if let Some(key) = request.context().status_webhook_key() {
        if seen.first_seen(&key).await? {
            let attempt = request.attempt_id().unwrap_or_default().to_owned();
            let status = request.status().clone();
            after_response(post_claim_action(attempt, status));
        }
    }
    Ok(Stateless)
}

/// The side effect: a real plugin would send a mail or call an API here.
async fn post_claim_action(attempt: String, status: AttemptStatus) {
    tracing::info!("side_effect: post-claim action claim_attempt_id={attempt} status={status}");
}
