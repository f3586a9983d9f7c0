use axum::extract::State;
use claimkit::store;
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;
use claimkit_store::Store;

/// The `ClaimToken` preset: one token per attempt (the same on a retry), a
/// throwaway token for simulations, `{}` for status webhooks.
pub async fn claim_token(State(store): State<Store>, request: Plugin) -> Result<Preset, Error> {
    store::claim_token(&store, request.context()).await
}
