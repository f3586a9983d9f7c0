use std::sync::Arc;

use axum::extract::State;
use claimkit::store::{self, MemoryClaimNumbers};
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;

/// The `ClaimNumbers` preset: executing attempts reserve the lowest free
/// number, simulations see the number they would get, `success` webhooks
/// confirm it and `failure` webhooks release it (answering `{}`).
pub async fn claim_number(
    State(numbers): State<Arc<MemoryClaimNumbers>>,
    request: Plugin,
) -> Result<Preset, Error> {
    store::claim_number(&numbers, request.context()).await
}
