use actix_web::web::Data;
use claimkit::store::{self, MemoryClaimTokens};
use claimkit::{Error, Preset};
use claimkit_actix::Plugin;

/// The `ClaimToken` preset: one token per attempt (the same on a retry), a
/// throwaway token for simulations, `{}` for status webhooks.
pub async fn claim_token(
    tokens: Data<MemoryClaimTokens>,
    request: Plugin,
) -> Result<Preset, Error> {
    store::claim_token(tokens.get_ref(), request.context()).await
}
