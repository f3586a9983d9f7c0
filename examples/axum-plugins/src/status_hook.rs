use axum::extract::State;
use claimkit::store;
use claimkit::{Error, Stateless};
use claimkit_axum::Plugin;
use claimkit_store::Store;

/// Answers `200 {}` at once; on a `success` or `failure` status webhook
/// (never a simulation) it first queues the post-claim action in the
/// store, once per attempt and status however often the platform retries
/// the webhook. The runner `main.rs` starts runs it from there, retrying
/// until it succeeds ([`PostClaimAction`](crate::PostClaimAction)).
pub async fn status_hook(State(store): State<Store>, request: Plugin) -> Result<Stateless, Error> {
    store::enqueue_status_action(&store, request.context()).await?;
    Ok(Stateless)
}
