use std::sync::Arc;

use axum::extract::State;
use claimkit::store::{self, MemoryStore};
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;

/// The `ClaimToken` preset: one token per attempt (the same on a retry), a
/// throwaway token for simulations, `{}` for status webhooks.
pub async fn claim_token(
    State(store): State<Arc<MemoryStore>>,
    request: Plugin,
) -> Result<Preset, Error> {
    store::claim_token(&store, request.context()).await
}
