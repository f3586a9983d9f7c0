//! Each plugin this server serves, declared once: its preset, its inputs
//! type and where each input comes from. The plugin version config to
//! register (`example-plugins config NAME`) and the decoding configuration
//! both derive from these declarations.

use claimkit::registration::{PluginDeclaration, PluginVersionConfig, StateFunctionPreset};
use claimkit::{Error, ErrorKind, PluginConfig};

use crate::AccessCodeInputs;

/// The plugins, by the name of their route (`/plugins/{name}`).
pub const PLUGINS: &[&str] = &[
    "stateless",
    "claim-token",
    "claim-number",
    "claim-number-with-action",
    "status-hook",
    "access-code",
];

/// The access-code plugin: the user types a code, the claim creator sets
/// the accepted codes (private) and whether case matters (public).
pub fn access_code() -> PluginDeclaration<AccessCodeInputs> {
    PluginDeclaration::new(StateFunctionPreset::Stateless)
        .user_input("code")
        .private_param("acceptedCodes")
        .public_param("ignoreCase")
}

/// The version config of the plugin `name`, called at
/// `{public_url}/plugins/{name}`.
///
/// The claim-number plugin gets `receiveStatusWebhook`, `ignoreSimulations`
/// and `passAddress` (and so does the claim-number plugin with an action),
/// the claim-token plugin `ignoreSimulations`, the status hook
/// `receiveStatusWebhook` (see
/// [`Need`](claimkit::registration::Need) for why).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] for a name that is not one of [`PLUGINS`],
/// or a `public_url` that is not `https://`.
pub fn version_config(name: &str, public_url: &str) -> Result<PluginVersionConfig, Error> {
    let uri = format!("{}/plugins/{name}", public_url.trim_end_matches('/'));
    let bare = |preset| PluginDeclaration::<()>::new(preset);
    match name {
        "stateless" => bare(StateFunctionPreset::Stateless).version_config(&uri),
        "claim-token" => bare(StateFunctionPreset::ClaimToken).version_config(&uri),
        "claim-number" => bare(StateFunctionPreset::ClaimNumbers).version_config(&uri),
        "claim-number-with-action" => bare(StateFunctionPreset::ClaimNumbers)
            .with_post_claim_work()
            .version_config(&uri),
        "status-hook" => bare(StateFunctionPreset::Stateless)
            .with_post_claim_work()
            .version_config(&uri),
        "access-code" => access_code().version_config(&uri),
        _ => Err(Error::with_message(
            ErrorKind::InvalidConfig,
            format!("no plugin `{name}`: one of {}", PLUGINS.join(", ")),
        )),
    }
}

/// `config`, reading the inputs every declared plugin receives as headers.
///
/// # Errors
/// As [`PluginDeclaration::configure`].
pub fn configure(config: PluginConfig) -> Result<PluginConfig, Error> {
    access_code().configure(config)
}

/// The `config NAME` command: the plugin's version config as JSON, with
/// `verificationCall.uri` under `public_url` (the `PUBLIC_URL` variable).
///
/// # Errors
/// A message for standard error: no name, an unknown name, no
/// `PUBLIC_URL`, or one that is not `https://`.
pub fn config_command(name: Option<&str>, public_url: Option<&str>) -> Result<String, String> {
    let names = PLUGINS.join(", ");
    let name = name.ok_or_else(|| format!("usage: config NAME, with NAME one of {names}"))?;
    let public_url = public_url.filter(|url| !url.is_empty()).ok_or(
        "PUBLIC_URL is not set: the public https:// base the platform calls, such as https://plugins.example.org",
    )?;
    let config = version_config(name, public_url).map_err(|err| err.message().to_owned())?;
    serde_json::to_string_pretty(&config).map_err(|err| err.to_string())
}
