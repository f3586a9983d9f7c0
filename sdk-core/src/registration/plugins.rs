//! Every plugin a server serves, declared once, by name: what the server's
//! `config NAME` command prints, and the decoding configuration they share.

use std::fmt;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::{PluginDeclaration, PluginVersionConfig};
use crate::{Error, ErrorKind, PluginConfig};

type ConfigFn = dyn Fn(&str) -> Result<PluginVersionConfig, Error> + Send + Sync;
type ConfigureFn = dyn Fn(PluginConfig) -> Result<PluginConfig, Error> + Send + Sync;

struct Entry {
    name: String,
    path: String,
    version_config: Box<ConfigFn>,
    configure: Box<ConfigureFn>,
}

/// The plugins one server serves, each a [`PluginDeclaration`] under a
/// name and the route path it is served at.
///
/// The server's binary prints a plugin's config with one call,
/// [`config_command`](Self::config_command), and decodes with the header
/// inputs of them all ([`configure`](Self::configure)).
///
/// ```
/// use claimkit::registration::{Plugins, PluginDeclaration, StateFunctionPreset};
///
/// let plugins = Plugins::new()
///     .with("claim-number", "/plugins/claim-number",
///           PluginDeclaration::<()>::new(StateFunctionPreset::ClaimNumbers));
/// let json = plugins.config_command(Some("claim-number"), Some("https://plugins.example.org/"))?;
/// assert!(json.contains(r#""uri": "https://plugins.example.org/plugins/claim-number""#));
/// let err = plugins.config_command(Some("other"), Some("https://plugins.example.org")).unwrap_err();
/// assert_eq!(err.message(), "no plugin `other`: one of claim-number");
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Default)]
pub struct Plugins {
    entries: Vec<Entry>,
}

impl fmt::Debug for Plugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|entry| (&entry.name, &entry.path)))
            .finish()
    }
}

impl Plugins {
    /// No plugins yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the plugin `name`, served at `path` (such as
    /// `/plugins/claim-number`), as `declaration` declares it.
    pub fn with<I: JsonSchema + DeserializeOwned + 'static>(
        mut self,
        name: impl Into<String>,
        path: impl Into<String>,
        declaration: PluginDeclaration<I>,
    ) -> Self {
        let configure = declaration.clone();
        self.entries.push(Entry {
            name: name.into(),
            path: path.into(),
            version_config: Box::new(move |uri| declaration.version_config(uri)),
            configure: Box::new(move |config| configure.configure(config)),
        });
        self
    }

    /// The plugins' names, in the order they were added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|entry| entry.name.as_str())
    }

    /// The version config of the plugin `name`, called at its path under
    /// `public_url` (the public `https://` base the platform calls; a
    /// trailing `/` is ignored).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an unknown name, and as
    /// [`PluginDeclaration::version_config`].
    pub fn version_config(
        &self,
        name: &str,
        public_url: &str,
    ) -> Result<PluginVersionConfig, Error> {
        let entry = self
            .entries
            .iter()
            .find(|entry| entry.name == name)
            .ok_or_else(|| {
                Error::with_message(
                    ErrorKind::InvalidConfig,
                    format!(
                        "no plugin `{name}`: one of {}",
                        self.names().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
        let uri = format!(
            "{}/{}",
            public_url.trim_end_matches('/'),
            entry.path.trim_start_matches('/')
        );
        (entry.version_config)(&uri)
    }

    /// `config` reading the header inputs of every plugin.
    ///
    /// # Errors
    /// As [`PluginDeclaration::configure`].
    pub fn configure(&self, config: PluginConfig) -> Result<PluginConfig, Error> {
        self.entries
            .iter()
            .try_fold(config, |config, entry| (entry.configure)(config))
    }

    /// What a server's `config NAME` command prints: the plugin's version
    /// config as pretty JSON, under `public_url` (typically the
    /// `PUBLIC_URL` variable).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`], with a message for standard error: no
    /// name, an unknown one, no `public_url`, or one that is not
    /// `https://`.
    pub fn config_command(
        &self,
        name: Option<&str>,
        public_url: Option<&str>,
    ) -> Result<String, Error> {
        let invalid = |message: String| Error::with_message(ErrorKind::InvalidConfig, message);
        let names = self.names().collect::<Vec<_>>().join(", ");
        let name =
            name.ok_or_else(|| invalid(format!("usage: config NAME, with NAME one of {names}")))?;
        let public_url = public_url.filter(|url| !url.is_empty()).ok_or_else(|| {
            invalid("PUBLIC_URL is not set: the public https:// base the platform calls, such as https://plugins.example.org".to_owned())
        })?;
        let config = self.version_config(name, public_url)?;
        serde_json::to_string_pretty(&config).map_err(|err| invalid(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::registration::StateFunctionPreset;
    use crate::Secret;

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Keyed {
        #[serde(rename = "apiKey")]
        key: String,
    }

    #[test]
    fn each_plugin_at_its_path_and_every_header_input() {
        let plugins = Plugins::new()
            .with(
                "keyed",
                "hooks/keyed",
                PluginDeclaration::<Keyed>::new(StateFunctionPreset::Stateless).header("apiKey"),
            )
            .with(
                "tokens",
                "/plugins/tokens",
                PluginDeclaration::<()>::new(StateFunctionPreset::ClaimToken),
            );
        assert_eq!(plugins.names().collect::<Vec<_>>(), ["keyed", "tokens"]);
        let uri = |name| {
            let config = plugins
                .version_config(name, "https://p.example.org//")
                .unwrap();
            config.verification_call.unwrap().uri
        };
        assert_eq!(uri("keyed"), "https://p.example.org/hooks/keyed");
        assert_eq!(uri("tokens"), "https://p.example.org/plugins/tokens");
        let config = plugins
            .configure(PluginConfig::new(Secret::new("s").unwrap()))
            .unwrap();
        assert_eq!(config.header_inputs().collect::<Vec<_>>(), ["apiKey"]);
        for (name, url, expected) in [
            (
                None,
                Some("https://p.example.org"),
                "usage: config NAME, with NAME one of keyed, tokens",
            ),
            (Some("tokens"), None, "PUBLIC_URL is not set"),
            (Some("tokens"), Some(""), "PUBLIC_URL is not set"),
            (Some("tokens"), Some("http://p.example.org"), "https://"),
        ] {
            let err = plugins.config_command(name, url).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains(expected), "{err}");
        }
    }
}
