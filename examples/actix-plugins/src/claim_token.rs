use actix_web::web::Data;
use claimkit::store;
use claimkit::{Error, Preset};
use claimkit_actix::Plugin;
use claimkit_store::Store;

/// The `ClaimToken` preset: one token per attempt (the same on a retry), a
/// throwaway token for simulations, `{}` for status webhooks.
pub async fn claim_token(store: Data<Store>, request: Plugin) -> Result<Preset, Error> {
    store::claim_token(store.get_ref(), request.context()).await
}
