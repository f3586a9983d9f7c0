//! Each plugin this server serves, declared once: its preset, its inputs
//! type and where each input comes from. The plugin version config to
//! register (`config NAME`) and the decoding configuration both derive from
//! these declarations.

use claimkit::registration::{
    PluginDeclaration, PluginVersionConfig, Plugins, StateFunctionPreset,
};
use claimkit::{Error, PluginConfig};

use crate::AccessCodeInputs;

/// The access-code plugin: the user types a code, the claim creator sets
/// the accepted codes (private) and whether case matters (public).
pub fn access_code() -> PluginDeclaration<AccessCodeInputs> {
    PluginDeclaration::new(StateFunctionPreset::Stateless)
        .user_input("code")
        .private_param("acceptedCodes")
        .public_param("ignoreCase")
}

/// Every plugin this server serves, at `/plugins/{name}`. The claim-number
/// plugin gets `receiveStatusWebhook`, `ignoreSimulations` and
/// `passAddress` (and so does the claim-number plugin with an action),
/// the claim-token plugin `ignoreSimulations`, the status
/// hook `receiveStatusWebhook` (see [`Need`](claimkit::registration::Need)
/// for why).
pub fn plugins() -> Plugins {
    let bare = PluginDeclaration::<()>::new;
    Plugins::new()
        .with(
            "stateless",
            "/plugins/stateless",
            bare(StateFunctionPreset::Stateless),
        )
        .with(
            "claim-token",
            "/plugins/claim-token",
            bare(StateFunctionPreset::ClaimToken),
        )
        .with(
            "claim-number",
            "/plugins/claim-number",
            bare(StateFunctionPreset::ClaimNumbers),
        )
        .with(
            "claim-number-with-action",
            "/plugins/claim-number-with-action",
            bare(StateFunctionPreset::ClaimNumbers).with_post_claim_work(),
        )
        .with(
            "status-hook",
            "/plugins/status-hook",
            bare(StateFunctionPreset::Stateless).with_post_claim_work(),
        )
        .with("access-code", "/plugins/access-code", access_code())
}

/// The version config of the plugin `name`, called at
/// `{public_url}/plugins/{name}`.
///
/// # Errors
/// As [`Plugins::version_config`].
pub fn version_config(name: &str, public_url: &str) -> Result<PluginVersionConfig, Error> {
    plugins().version_config(name, public_url)
}

/// `config`, reading the inputs every declared plugin receives as headers.
///
/// # Errors
/// As [`Plugins::configure`].
pub fn configure(config: PluginConfig) -> Result<PluginConfig, Error> {
    plugins().configure(config)
}
