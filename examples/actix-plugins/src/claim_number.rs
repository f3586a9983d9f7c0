use actix_web::web::Data;
use claimkit::store::{self, MemoryClaimNumbers};
use claimkit::{Error, Preset};
use claimkit_actix::Plugin;

/// The `ClaimNumbers` preset: executing attempts reserve the lowest free
/// number, simulations see the number they would get, `success` webhooks
/// confirm it and `failure` webhooks release it (answering `{}`).
pub async fn claim_number(
    numbers: Data<MemoryClaimNumbers>,
    request: Plugin,
) -> Result<Preset, Error> {
    store::claim_number(numbers.get_ref(), request.context()).await
}
