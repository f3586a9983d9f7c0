use actix_web::web::Data;
use claimkit::store;
use claimkit::{Error, Stateless};
use claimkit_actix::Plugin;
use claimkit_store::Store;

/// Answers `200 {}` at once; on a `success` or `failure` status webhook
/// (never a simulation) it first queues the post-claim action in the
/// store, once per attempt and status however often the platform retries
/// the webhook. The runner `main.rs` starts runs it from there, retrying
/// until it succeeds ([`PostClaimAction`](crate::PostClaimAction)).
pub async fn status_hook(store: Data<Store>, request: Plugin) -> Result<Stateless, Error> {
    store::enqueue_status_action(store.get_ref(), request.context()).await?;
    Ok(Stateless)
}
