//! What a run checks, and how: the plugin's URL, secret, preset and call
//! model, and the platform's times.

use std::time::Duration;

use claimkit::testing::{PluginCall, TEST_CLAIM_ID};
use serde_json::Value;

/// The platform's deadline for an answer.
pub const PLATFORM_DEADLINE: Duration = Duration::from_secs(10);
/// Answers slower than this are flagged.
pub const SLOW: Duration = Duration::from_secs(2);
/// How long a post-claim action may take to reach the action sink.
pub const ACTION_WAIT: Duration = Duration::from_secs(10);

/// The response preset the plugin was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// `200` with any body.
    Stateless,
    /// `200 {"claimToken": ...}`.
    ClaimToken,
    /// `200 {"claimNumber": n}`.
    ClaimNumber,
}

/// How the platform calls the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallModel {
    /// A simulation, then the real call with the attempt's id.
    #[default]
    Classic,
    /// The 2026 model: a simulation may be the only call of an attempt,
    /// its answer replayed by the execution step (unless the plugin version
    /// sets `ignoreSimulations`). Adds the checks that simultaneous
    /// simulations from different addresses get distinct numbers or tokens,
    /// and, with status webhooks, that a replayed attempt's `success`
    /// settles what its address held.
    Replay,
}

/// What to check, and how.
#[derive(Debug, Clone)]
pub struct Target {
    /// The plugin's URL.
    pub url: String,
    /// The plugin secret.
    pub secret: String,
    /// The preset it answers with.
    pub preset: Preset,
    /// The method the plugin is configured with.
    pub method: String,
    /// Whether to send status webhooks too.
    pub status_hooks: bool,
    /// Whether the status webhooks are sent as simulations, which a plugin
    /// acts on no further: no post-claim action runs.
    pub simulated_hooks: bool,
    /// The claim every call is about, but the `maxUses` check's own claim
    /// (default: `claim-under-test`).
    pub claim_id: Option<String>,
    /// Where to listen (`HOST:PORT`) for the post-claim actions the status
    /// webhooks queue, when the plugin's action URL points there.
    pub action_sink: Option<String>,
    /// How long an action may take to reach the sink.
    pub action_wait: Duration,
    /// The plugin's own inputs to send with every call.
    pub inputs: Vec<(String, Value)>,
    /// How long to wait for an answer.
    pub deadline: Duration,
    /// Answers slower than this get a warning.
    pub slow: Duration,
    /// A prefix for the attempt ids, unique per run.
    pub run_id: String,
    /// Whether to sign every call (`X-BitBadges-Signature`, with the plugin
    /// secret), and check that a badly signed one is refused.
    pub sign: bool,
    /// The browser origin whose CORS preflight is checked: the developer
    /// portal's.
    pub origin: String,
    /// How the platform calls the plugin, and so which checks run.
    pub model: CallModel,
}

impl Target {
    /// A target with the platform's deadline and a fresh run id.
    pub fn new(url: impl Into<String>, secret: impl Into<String>, preset: Preset) -> Self {
        Self {
            url: url.into(),
            secret: secret.into(),
            preset,
            method: "POST".to_owned(),
            status_hooks: false,
            simulated_hooks: false,
            claim_id: None,
            action_sink: None,
            action_wait: ACTION_WAIT,
            inputs: Vec::new(),
            deadline: PLATFORM_DEADLINE,
            slow: SLOW,
            run_id: claimkit::store::random_token()[..12].to_owned(),
            sign: false,
            origin: claimkit::PORTAL_ORIGIN.to_owned(),
            model: CallModel::Classic,
        }
    }

    pub(super) fn call(&self, call: PluginCall) -> PluginCall {
        self.about(call.with_secret(&self.secret))
    }

    /// `call` with the plugin's inputs, about the target's claim unless it
    /// has one of its own.
    pub(super) fn about(&self, call: PluginCall) -> PluginCall {
        let default = call.context().claim_id.as_deref() == Some(TEST_CLAIM_ID);
        let call = match &self.claim_id {
            Some(claim) if default => call.with_claim_id(claim),
            _ => call,
        };
        self.inputs
            .iter()
            .fold(call, |call, (key, value)| call.with_input(key, value))
    }

    pub(super) fn attempt(&self, name: &str) -> String {
        format!("check-{}-{name}", self.run_id)
    }
}
