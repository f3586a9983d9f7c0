use axum::extract::State;
use claimkit::store::{self, Numbering};
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;
use claimkit_store::Store;

/// The `ClaimNumbers` preset: each claim numbers on its own; executing
/// attempts reserve the lowest free number below the claim's `maxUses`,
/// simulations with an address hold the number they preview for their claim
/// and address (`SIMULATION_HOLD`) until the attempt that replays it takes it
/// over, `success` webhooks confirm it and `failure` webhooks release it
/// (answering `{}`). See [`store::claim_number_with`] for the plugin-version
/// settings that keep numbers right.
pub async fn claim_number(
    State(store): State<Store>,
    State(numbering): State<Numbering>,
    request: Plugin,
) -> Result<Preset, Error> {
    store::claim_number_with(&store, request.context(), &numbering).await
}
