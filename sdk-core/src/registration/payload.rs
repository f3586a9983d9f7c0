//! The plugin version config as the platform's API reads it
//! (`PluginVersionConfigPayload` in the official SDK, PROTOCOL §1.9).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How the platform answers a plugin's `200` (`stateFunctionPreset`): which
/// body it expects and what it does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum StateFunctionPreset {
    /// Pass or fail by status only: [`Stateless`](crate::Stateless).
    Stateless,
    /// A one-time token: [`ClaimToken`](crate::ClaimToken).
    ClaimToken,
    /// The claim number to assign: [`ClaimNumber`](crate::ClaimNumber).
    ClaimNumbers,
    /// A body of the plugin's own: [`Custom`](crate::Custom).
    CustomResponseHandler,
    /// Legacy: `{"id", "username"}`, removed in SDK 0.31.
    Usernames,
}

/// A plugin version's registration: the `initialVersion` of `createPlugin`
/// and the version config of `updatePlugin`, with the official SDK's field
/// names.
///
/// Build it from the plugin's code with a
/// [`PluginDeclaration`](super::PluginDeclaration) rather than by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PluginVersionConfig {
    /// A finalized version can never be changed again.
    pub finalized: bool,
    /// The response preset.
    pub state_function_preset: StateFunctionPreset,
    /// Whether the plugin may appear twice in one claim (each instance is
    /// called on its own, told apart by `instanceId`).
    pub duplicates_allowed: bool,
    /// Whether the platform POSTs status webhooks (`success`, `failure`)
    /// after the claim ends.
    pub receive_status_webhook: bool,
    /// Status webhooks only: no call while the claim runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_processing_webhook: Option<bool>,
    /// No call for simulations: the executing call is the real one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_simulations: Option<bool>,
    /// Whether the plugin may be reused for non-indexed claims.
    pub reuse_for_non_indexed: bool,
    /// Whether claiming users fill in inputs (`userInputsSchema`).
    pub requires_user_inputs: bool,
    /// Where the user enters inputs on a page of the plugin's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_input_redirect: Option<UserInputRedirect>,
    /// The inputs the claiming user fills in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_inputs_schema: Option<Vec<InputSchema>>,
    /// The inputs the claim creator sets, visible to everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_params_schema: Option<Vec<InputSchema>>,
    /// The inputs the claim creator sets, kept private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_params_schema: Option<Vec<InputSchema>>,
    /// The plugin's pages for claim creators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_creator_redirect: Option<ClaimCreatorRedirect>,
    /// How the platform calls the plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_call: Option<VerificationCall>,
    /// Whether the claiming user must be signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_sign_in: Option<bool>,
    /// Text shown with the claim's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_details_display: Option<String>,
}

impl PluginVersionConfig {
    /// A version of `preset` with every flag off, no inputs and no call.
    pub fn new(preset: StateFunctionPreset) -> Self {
        Self {
            finalized: false,
            state_function_preset: preset,
            duplicates_allowed: false,
            receive_status_webhook: false,
            skip_processing_webhook: None,
            ignore_simulations: None,
            reuse_for_non_indexed: false,
            requires_user_inputs: false,
            user_input_redirect: None,
            user_inputs_schema: None,
            public_params_schema: None,
            private_params_schema: None,
            claim_creator_redirect: None,
            verification_call: None,
            require_sign_in: None,
            custom_details_display: None,
        }
    }

    /// Every input the platform sends: user inputs, public params, private
    /// params and hard-coded inputs, in the platform's merge order.
    pub fn inputs(&self) -> impl Iterator<Item = &InputSchema> {
        [
            &self.user_inputs_schema,
            &self.public_params_schema,
            &self.private_params_schema,
        ]
        .into_iter()
        .flatten()
        .flatten()
    }
}

/// The plugin's own page where users enter inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserInputRedirect {
    /// The page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_uri: Option<String>,
    /// A tutorial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tutorial_uri: Option<String>,
}

/// The plugin's pages for claim creators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClaimCreatorRedirect {
    /// A tool that sets the plugin up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_uri: Option<String>,
    /// A tutorial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tutorial_uri: Option<String>,
    /// A page to test the plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tester_uri: Option<String>,
}

/// An input's type, as the platform defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum InputType {
    /// Text.
    String,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A point in time, as UNIX milliseconds (a number on the wire).
    Date,
    /// A URL, as text.
    Url,
}

/// One input of a schema (`JsonBodyInputSchema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InputSchema {
    /// The key the input arrives under.
    pub key: String,
    /// What the platform shows.
    pub label: String,
    /// Its type; with [`array_field`](Self::array_field), the type of each
    /// element.
    #[serde(rename = "type")]
    pub kind: InputType,
    /// Whether it must be filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// The value used when it is left empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    /// The values to choose from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<InputOption>>,
    /// The value is an array of [`kind`](Self::kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub array_field: Option<bool>,
    /// The value is sent as an HTTP header of the same name, not in the
    /// body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<bool>,
    /// Left out of the claim's displayed details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_from_details_display: Option<bool>,
    /// A line of help under the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helper: Option<String>,
    /// A link beside the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyperlink: Option<Hyperlink>,
}

impl InputSchema {
    /// An optional input of `kind` under `key`, labelled with its key.
    pub fn new(key: impl Into<String>, kind: InputType) -> Self {
        let key = key.into();
        Self {
            label: key.clone(),
            key,
            kind,
            required: None,
            default_value: None,
            options: None,
            array_field: None,
            header_field: None,
            hide_from_details_display: None,
            helper: None,
            hyperlink: None,
        }
    }

    /// Whether it must be filled in.
    pub fn is_required(&self) -> bool {
        self.required == Some(true)
    }

    /// Whether it arrives as a header.
    pub fn is_header(&self) -> bool {
        self.header_field == Some(true)
    }

    /// Whether its value is an array.
    pub fn is_array(&self) -> bool {
        self.array_field == Some(true)
    }
}

/// One value of an input's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputOption {
    /// What the platform shows.
    pub label: String,
    /// What the plugin receives.
    pub value: Value,
}

impl InputOption {
    /// A choice showing `label` and sending `value`.
    pub fn new(label: impl Into<String>, value: impl Into<Value>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A link beside an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Hyperlink {
    /// Where it leads.
    pub url: String,
    /// Shown as a generic view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_as_generic_view: Option<bool>,
}

/// The HTTP method the platform calls with. SDK 0.31 always calls with
/// `POST`; the others stay for versions finalized with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CallMethod {
    /// `POST`, the only method of current versions.
    Post,
    /// `GET`, with the fields in an axios query string.
    Get,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

/// How the platform calls the plugin (`verificationCall`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerificationCall {
    /// The plugin's public HTTPS URL.
    pub uri: String,
    /// The method.
    pub method: CallMethod,
    /// Inputs fixed by the plugin's author, sent with every call.
    pub hardcoded_inputs: Vec<HardcodedInput>,
    /// Send `bitbadgesAddress` (and `ethAddress`, `isAddressSignedIn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_address: Option<bool>,
    /// Send the user's Discord account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_discord: Option<bool>,
    /// Send the user's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_email: Option<bool>,
    /// Send the user's Twitter account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_twitter: Option<bool>,
    /// Send the user's Google account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_google: Option<bool>,
    /// Send the user's YouTube account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_youtube: Option<bool>,
    /// Send the user's GitHub account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_github: Option<bool>,
    /// Send the user's Strava account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_strava: Option<bool>,
    /// Send the user's Twitch account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_twitch: Option<bool>,
    /// Send the user's Reddit account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_reddit: Option<bool>,
    /// Send the user's Meetup account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_meetup: Option<bool>,
    /// Send the user's Facebook account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_facebook: Option<bool>,
    /// Send the user's Telegram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_telegram: Option<bool>,
    /// Send the user's Farcaster account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_farcaster: Option<bool>,
    /// Send the user's Slack account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_slack: Option<bool>,
    /// Send the user's Shopify account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_shopify: Option<bool>,
    /// Send the user's Bluesky account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_bluesky: Option<bool>,
    /// JavaScript the platform runs on the answer; the SDK's validator
    /// requires the field, as a string (empty: none).
    pub post_processing_js: String,
}

impl VerificationCall {
    /// A `POST` call to `uri`, passing nothing beyond the context.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            method: CallMethod::Post,
            hardcoded_inputs: Vec::new(),
            pass_address: None,
            pass_discord: None,
            pass_email: None,
            pass_twitter: None,
            pass_google: None,
            pass_youtube: None,
            pass_github: None,
            pass_strava: None,
            pass_twitch: None,
            pass_reddit: None,
            pass_meetup: None,
            pass_facebook: None,
            pass_telegram: None,
            pass_farcaster: None,
            pass_slack: None,
            pass_shopify: None,
            pass_bluesky: None,
            post_processing_js: String::new(),
        }
    }
}

/// An input fixed by the plugin's author (`hardcodedInputs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HardcodedInput {
    /// The key it arrives under.
    pub key: String,
    /// What the platform shows.
    pub label: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: InputType,
    /// Its value.
    pub value: Value,
    /// Sent as an HTTP header of the same name, not in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_field: Option<bool>,
}
