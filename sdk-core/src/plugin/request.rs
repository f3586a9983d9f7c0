//! The typed plugin request.

use crate::{AttemptStatus, Context, SecretMatch};

/// The default inputs type: every non-context key as a JSON map.
pub type RawInputs = serde_json::Map<String, serde_json::Value>;

/// One call from BitBadges to a plugin: the [`Context`] fields plus the
/// plugin's own inputs, already checked against the accepted secrets.
///
/// `I` is the plugin author's type for the inputs: every key of the request
/// that is not a context field (public and private params, user inputs and
/// hardcoded inputs are all merged there by the platform). Any
/// `#[derive(Deserialize)]` type works; the default, [`RawInputs`], keeps
/// them as a JSON map; `()` skips them without building anything, for a
/// plugin that reads none.
///
/// Requests are made by [`PluginConfig::decode_json`] and
/// [`PluginConfig::decode_query`] (or a framework adapter), which check the
/// secret before the inputs are read.
///
/// [`PluginConfig::decode_json`]: crate::PluginConfig::decode_json
/// [`PluginConfig::decode_query`]: crate::PluginConfig::decode_query
#[derive(Debug, Clone, PartialEq)]
pub struct PluginRequest<I = RawInputs> {
    context: Context,
    inputs: I,
    secret: SecretMatch,
}

impl<I> PluginRequest<I> {
    /// A request made by hand, for tests of handler logic. It reports the
    /// current secret as the one that matched.
    pub fn new(context: Context, inputs: I) -> Self {
        Self::verified(context, inputs, SecretMatch::new(0))
    }

    pub(crate) fn verified(context: Context, inputs: I, secret: SecretMatch) -> Self {
        Self {
            context,
            inputs,
            secret,
        }
    }

    /// The context fields.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The plugin's inputs.
    pub fn inputs(&self) -> &I {
        &self.inputs
    }

    /// The plugin's inputs, mutably.
    pub fn inputs_mut(&mut self) -> &mut I {
        &mut self.inputs
    }

    /// Takes the inputs, dropping the context.
    pub fn into_inputs(self) -> I {
        self.inputs
    }

    /// Splits the request into its context and inputs.
    pub fn into_parts(self) -> (Context, I) {
        (self.context, self.inputs)
    }

    /// Which accepted secret the request carried; see [`SecretMatch`].
    pub fn secret_match(&self) -> SecretMatch {
        self.secret
    }

    /// `claimId`.
    pub fn claim_id(&self) -> Option<&str> {
        self.context.claim_id.as_deref()
    }

    /// The attempt id; `None` when absent or empty (simulations).
    pub fn attempt_id(&self) -> Option<&str> {
        self.context.attempt_id()
    }

    /// The attempt status; absent reads as [`AttemptStatus::Executing`].
    pub fn status(&self) -> &AttemptStatus {
        self.context.status()
    }

    /// Whether this is a simulation (dry run): no side effects allowed.
    pub fn is_simulation(&self) -> bool {
        self.context.is_simulation()
    }

    /// Whether this is a status webhook (`success` or `failure`).
    pub fn is_status_webhook(&self) -> bool {
        self.context.is_status_webhook()
    }

    /// The claiming address (`bitbadgesAddress`, or legacy `cosmosAddress`).
    pub fn address(&self) -> Option<&str> {
        self.context.address()
    }
}
