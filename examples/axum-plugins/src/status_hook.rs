use axum::extract::State;
use claimkit::reconcile::{ActionOn, Answered};
use claimkit::store;
use claimkit::{Error, Stateless};
use claimkit_axum::Plugin;
use claimkit_store::Store;

use crate::Reconciliation;

/// Answers `200 {}` at once; on a `success` or `failure` status webhook
/// (never a simulation) it first queues the post-claim action in the
/// store, once per attempt and status however often the platform retries
/// the webhook. The runner `main.rs` starts runs it from there, retrying
/// until it succeeds ([`PostClaimAction`](crate::PostClaimAction)).
///
/// With reconciliation on, an executing attempt is also checked with the
/// platform a few seconds later, and its record queues the same action
/// under the same key: whichever of the webhook and the record comes first
/// queues it, and the other adds nothing.
pub async fn status_hook(
    State(store): State<Store>,
    State(reconciliation): State<Reconciliation>,
    request: Plugin,
) -> Result<Stateless, Error> {
    let context = request.context();
    store::enqueue_status_action(&store, context).await?;
    reconciliation
        .note(&store, context, Answered::StatusHook, ActionOn::Always)
        .await?;
    Ok(Stateless)
}
