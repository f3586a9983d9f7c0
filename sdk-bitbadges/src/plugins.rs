//! The plugin routes: register a plugin, change it, read the errors the
//! platform recorded from it.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Call;
use crate::{number, Client, Error, Page};

/// The listing of a plugin in the directory (`metadata` of `createPlugin`
/// and `updatePlugin`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginMetadata {
    /// The plugin's name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// An image URL (`ipfs://…` or `https://…`).
    pub image: String,
    /// A link to its documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    /// The app it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_app: Option<String>,
    /// A link to its source code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_code: Option<String>,
    /// Where users get help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_link: Option<String>,
    /// The author's BitBadges address (`bb1…`).
    pub created_by: String,
}

/// The payload of `createPlugin`: a new plugin with its first version.
///
/// `V` is the version config (`PluginVersionConfigPayload`): any type that
/// serializes to it, such as `claimkit::registration::PluginVersionConfig`,
/// which claimkit derives from a plugin's declaration (feature `config`),
/// or a `serde_json::Value` read from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePlugin<V = serde_json::Value> {
    /// The plugin's id, unique on the platform.
    pub plugin_id: String,
    /// An invite code, when the platform asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// Its directory listing.
    pub metadata: PluginMetadata,
    /// Whether it is listed publicly.
    pub to_publish: bool,
    /// The addresses allowed to use it while it is not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_users: Option<Vec<String>>,
    /// Its first version.
    pub initial_version: V,
    /// The locale of its texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl<V> CreatePlugin<V> {
    /// A private (not published) plugin with these listing and first
    /// version.
    pub fn new(plugin_id: impl Into<String>, metadata: PluginMetadata, initial_version: V) -> Self {
        Self {
            plugin_id: plugin_id.into(),
            invite_code: None,
            metadata,
            to_publish: false,
            approved_users: None,
            initial_version,
            locale: None,
        }
    }
}

/// A change to one existing version (`versionUpdates[]` of
/// `updatePlugin`). A finalized version can never change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionUpdate<V = serde_json::Value> {
    /// The version to change.
    #[serde(deserialize_with = "number::required")]
    pub version: u64,
    /// Its new config: the fields to change (the platform takes a partial
    /// config) or all of them.
    pub config: V,
}

/// The payload of `updatePlugin`: only the fields that are set change.
///
/// `V` is the version config, as for [`CreatePlugin`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePlugin<V = serde_json::Value> {
    /// The plugin's id.
    pub plugin_id: String,
    /// An invite code, when the platform asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// Take the caller off the approved users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_self_from_approved_users: Option<bool>,
    /// A new directory listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PluginMetadata>,
    /// Whether it is listed publicly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_publish: Option<bool>,
    /// The addresses allowed to use it while it is not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_users: Option<Vec<String>>,
    /// Have the platform generate a new plugin secret. Until the plugin
    /// accepts it, its calls fail: accept both secrets while rotating
    /// (`claimkit::Secrets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_plugin_secret: Option<bool>,
    /// Changes to existing, unfinalized versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub version_updates: Vec<VersionUpdate<V>>,
    /// A new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_create: Option<V>,
    /// The locale of its texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl<V> UpdatePlugin<V> {
    /// An update of `plugin_id` that changes nothing yet.
    pub fn new(plugin_id: impl Into<String>) -> Self {
        Self {
            plugin_id: plugin_id.into(),
            invite_code: None,
            remove_self_from_approved_users: None,
            metadata: None,
            to_publish: None,
            approved_users: None,
            rotate_plugin_secret: None,
            version_updates: Vec::new(),
            version_create: None,
            locale: None,
        }
    }
}

/// An error the platform recorded from a plugin's answer (`getPluginErrors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PluginError {
    /// The record's id.
    #[serde(rename = "_docId")]
    pub doc_id: String,
    /// The plugin's id.
    pub plugin_id: String,
    /// When it was recorded, in UNIX milliseconds.
    #[serde(deserialize_with = "number::required")]
    pub timestamp: u64,
    /// What went wrong.
    pub error: String,
    /// What the platform recorded around it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One page of a plugin's recorded errors.
pub type PluginErrorsPage = Page<PluginError>;

impl Client {
    /// Registers a plugin: `POST /api/v0/plugins` with the payload as JSON.
    ///
    /// ```no_run
    /// use claimkit_bitbadges::{Client, CreatePlugin, PluginMetadata};
    /// use serde_json::json;
    ///
    /// # async fn run(client: Client) -> Result<(), claimkit_bitbadges::Error> {
    /// let metadata = PluginMetadata {
    ///     name: "Claim numbers".into(),
    ///     description: "Hands out claim numbers".into(),
    ///     image: "https://example.com/logo.png".into(),
    ///     created_by: "bb1qqq".into(),
    ///     ..PluginMetadata::default()
    /// };
    /// let version = json!({ "finalized": false, "stateFunctionPreset": "ClaimNumbers" });
    /// client.create_plugin(&CreatePlugin::new("claim-numbers", metadata, version)).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Encode`](crate::ErrorKind::Encode) when the payload cannot be
    /// serialized; the other kinds of [`ErrorKind`](crate::ErrorKind) as
    /// they say.
    pub async fn create_plugin<V: Serialize>(&self, plugin: &CreatePlugin<V>) -> Result<(), Error> {
        self.send_json("create_plugin", Method::POST, plugin).await
    }

    /// Changes a plugin: `PUT /api/v0/plugins` with the payload as JSON.
    ///
    /// # Errors
    /// As [`create_plugin`](Self::create_plugin).
    pub async fn update_plugin<V: Serialize>(&self, update: &UpdatePlugin<V>) -> Result<(), Error> {
        self.send_json("update_plugin", Method::PUT, update).await
    }

    /// One page of the errors the platform recorded from a plugin's non-200
    /// answers: `GET /api/v0/plugins/errors?pluginId=…&bookmark=…`.
    ///
    /// # Errors
    /// The kinds of [`ErrorKind`](crate::ErrorKind) as they say.
    pub async fn get_plugin_errors(
        &self,
        plugin_id: &str,
        bookmark: Option<&str>,
    ) -> Result<PluginErrorsPage, Error> {
        let mut query = vec![("pluginId", plugin_id)];
        if let Some(bookmark) = bookmark {
            query.push(("bookmark", bookmark));
        }
        self.send(Call {
            route: "plugin_errors",
            method: Method::GET,
            path: &["api", "v0", "plugins", "errors"],
            query: &query,
            body: None,
        })
        .await
    }

    async fn send_json(
        &self,
        route: &'static str,
        method: Method,
        payload: &impl Serialize,
    ) -> Result<(), Error> {
        let body = serde_json::to_vec(payload).map_err(|err| {
            Error::new(crate::ErrorKind::Encode)
                .with_route(route)
                .with_source(err)
        })?;
        self.send_unit(Call {
            route,
            method,
            path: &["api", "v0", "plugins"],
            query: &[],
            body: Some(body),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn create_serializes_as_the_platform_names_it() {
        let mut plugin = CreatePlugin::new(
            "numbers",
            PluginMetadata {
                name: "N".into(),
                description: "D".into(),
                image: "I".into(),
                source_code: Some("https://git.example/n".into()),
                created_by: "bb1a".into(),
                ..PluginMetadata::default()
            },
            json!({"finalized": false}),
        );
        plugin.approved_users = Some(vec!["bb1b".into()]);
        assert_eq!(
            serde_json::to_value(&plugin).unwrap(),
            json!({
                "pluginId": "numbers",
                "metadata": {"name": "N", "description": "D", "image": "I",
                             "sourceCode": "https://git.example/n", "createdBy": "bb1a"},
                "toPublish": false,
                "approvedUsers": ["bb1b"],
                "initialVersion": {"finalized": false}
            })
        );
    }

    #[test]
    fn update_sends_only_what_changes() {
        let mut update = UpdatePlugin::new("numbers");
        update.rotate_plugin_secret = Some(true);
        update.version_updates.push(VersionUpdate {
            version: 2,
            config: json!({"ignoreSimulations": true}),
        });
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({
                "pluginId": "numbers",
                "rotatePluginSecret": true,
                "versionUpdates": [{"version": 2, "config": {"ignoreSimulations": true}}]
            })
        );
        // A payload read back from a file is the same payload.
        let read: UpdatePlugin =
            serde_json::from_value(serde_json::to_value(&update).unwrap()).unwrap();
        assert_eq!(read, update);
    }

    #[test]
    fn plugin_errors_decode() {
        let page: PluginErrorsPage = serde_json::from_str(
            r#"{"docs":[{"_docId":"d1","pluginId":"p","timestamp":1765000000000,
                "error":"status 400","context":{"claimId":"c1"}}],"total":1}"#,
        )
        .unwrap();
        assert_eq!(page.docs[0].doc_id, "d1");
        assert_eq!(page.docs[0].timestamp, 1_765_000_000_000);
        assert_eq!(page.next_bookmark(), None);
    }
}
