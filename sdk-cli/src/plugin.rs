//! `claimkit plugin create|update`: register a plugin version config (the
//! JSON a plugin's own binary prints) with the BitBadges API, refusing a
//! finalized version whose flags contradict what the plugin relies on.

use std::path::Path;

use claimkit::registration::{Need, PluginVersionConfig};
use claimkit_bitbadges::{Client, CreatePlugin, PluginMetadata, UpdatePlugin, VersionUpdate};

/// Reads and checks a version config file: the JSON a plugin's binary
/// prints (`example-axum-plugins config claim-number`).
///
/// # Errors
/// A message naming the file: unreadable, or not a version config (with
/// serde's reason: the missing or mistyped field).
pub fn read_config(path: &Path) -> Result<PluginVersionConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("could not read {}: {err}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|err| format!("{} is not a plugin version config: {err}", path.display()))
}

/// What a plugin with this config relies on: its preset's needs, and
/// status webhooks when it has `post_claim_work`.
pub fn needs(config: &PluginVersionConfig, post_claim_work: bool) -> Vec<Need> {
    Need::of(config.state_function_preset, post_claim_work)
}

/// The needs `config` does not meet, as lines for a person.
pub fn contradictions(config: &PluginVersionConfig, needs: &[Need]) -> Vec<String> {
    Need::unmet(needs, config)
        .into_iter()
        .map(|need| format!("{:?} needs {need}", config.state_function_preset))
        .collect()
}

/// Refuses to send a finalized version whose flags contradict `needs`:
/// a finalized version can never be changed. Unless `force`.
///
/// # Errors
/// The contradictions, and how to go on.
pub fn refuse_contradictions(
    config: &PluginVersionConfig,
    needs: &[Need],
    force: bool,
) -> Result<Vec<String>, String> {
    let lines = contradictions(config, needs);
    if config.finalized && !force && !lines.is_empty() {
        return Err(format!(
            "refusing to send a finalized version (it can never be changed) whose flags contradict what the plugin relies on:\n  {}\nfix the config, leave it unfinalized, or pass --force",
            lines.join("\n  ")
        ));
    }
    Ok(lines)
}

/// What to register.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The plugin's id.
    pub plugin_id: String,
    /// The version config.
    pub config: PluginVersionConfig,
}

impl Registration {
    /// The `createPlugin` payload: a new plugin listed with `metadata`,
    /// published when `publish`.
    pub fn create(
        &self,
        metadata: PluginMetadata,
        publish: bool,
    ) -> CreatePlugin<&PluginVersionConfig> {
        let mut payload = CreatePlugin::new(&self.plugin_id, metadata, &self.config);
        payload.to_publish = publish;
        payload
    }

    /// The `updatePlugin` payload: the config replaces version `version`,
    /// or becomes a new version when `version` is `None`.
    pub fn update(&self, version: Option<u64>) -> UpdatePlugin<&PluginVersionConfig> {
        let mut payload = UpdatePlugin::new(&self.plugin_id);
        match version {
            Some(version) => payload.version_updates.push(VersionUpdate {
                version,
                config: &self.config,
            }),
            None => payload.version_create = Some(&self.config),
        }
        payload
    }
}

/// Sends `create` or `update` with a client from the environment
/// (`BITBADGES_API_KEY`, `BITBADGES_API_URL`), on a runtime of its own.
///
/// # Errors
/// The client's configuration error or the API's answer, as a message
/// (never the key).
pub fn send(request: Request<'_>) -> Result<(), String> {
    let client = Client::from_env().map_err(|err| err.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("could not start a runtime: {err}"))?;
    runtime
        .block_on(async {
            match request {
                Request::Create(payload) => client.create_plugin(&payload).await,
                Request::Update(payload) => client.update_plugin(&payload).await,
            }
        })
        .map_err(|err| err.to_string())
}

/// A request to the plugin routes.
#[derive(Debug)]
pub enum Request<'c> {
    /// `createPlugin`.
    Create(CreatePlugin<&'c PluginVersionConfig>),
    /// `updatePlugin`.
    Update(UpdatePlugin<&'c PluginVersionConfig>),
}
