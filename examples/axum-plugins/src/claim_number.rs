use axum::extract::State;
use claimkit::store;
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;
use claimkit_store::Store;

/// The `ClaimNumbers` preset: each claim numbers on its own; executing
/// attempts reserve the lowest free number below the claim's `maxUses`,
/// simulations see the number they would get, `success` webhooks confirm it
/// and `failure` webhooks release it (answering `{}`).
pub async fn claim_number(State(store): State<Store>, request: Plugin) -> Result<Preset, Error> {
    store::claim_number(&store, request.context()).await
}
