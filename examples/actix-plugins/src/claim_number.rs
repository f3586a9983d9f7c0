use actix_web::web::Data;
use claimkit::store;
use claimkit::{Error, Preset};
use claimkit_actix::Plugin;
use claimkit_store::Store;

/// The `ClaimNumbers` preset: each claim numbers on its own; executing
/// attempts reserve the lowest free number below the claim's `maxUses`,
/// simulations see the number they would get, `success` webhooks confirm it
/// and `failure` webhooks release it (answering `{}`).
pub async fn claim_number(store: Data<Store>, request: Plugin) -> Result<Preset, Error> {
    store::claim_number(store.get_ref(), request.context()).await
}
