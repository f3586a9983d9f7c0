use actix_web::web::Data;
use claimkit::store::{self, MemoryStore};
use claimkit::{Error, Preset};
use claimkit_actix::Plugin;

/// The `ClaimToken` preset: one token per attempt (the same on a retry), a
/// throwaway token for simulations, `{}` for status webhooks.
pub async fn claim_token(store: Data<MemoryStore>, request: Plugin) -> Result<Preset, Error> {
    store::claim_token(store.get_ref(), request.context()).await
}
