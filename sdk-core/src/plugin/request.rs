//! The typed plugin request.

use std::time::SystemTime;

use crate::{AttemptStatus, Context, SecretMatch};

/// The default inputs type: every non-context key as a JSON map.
///
/// # Reserved keys
///
/// The platform merges a plugin's inputs (user inputs, public and private
/// params, hard-coded inputs) into the same flat object as its context
/// fields, and a context field overwrites an input of the same name. The
/// 2026 developer docs therefore forbid input schemas to use
/// [`RESERVED_KEYS`]: `pluginSecret`, `version`, `claimId`,
/// `bitbadgesAddress`, `claimAttemptId`, `_isSimulation`, `_isQueueHandler`,
/// `_attemptStatus`, `lastUpdated`, `createdAt`, `email`,
/// `isAddressSignedIn`, `locale`, `instanceId`, and the `X-BitBadges-*`
/// header names. Every [`Context::KEYS`] entry (a superset, with the legacy
/// fields) is kept out of the inputs. Inputs the platform sends as HTTP
/// headers (`headerField` in the schema) join the inputs when named with
/// [`PluginConfig::with_header_input`](crate::PluginConfig::with_header_input).
pub type RawInputs = serde_json::Map<String, serde_json::Value>;

/// The key names an input schema may not use (the 2026 developer docs):
/// the body keys, then the signature headers' names. See [`RawInputs`].
///
/// ```
/// use claimkit::{Context, RESERVED_KEYS};
///
/// // Every reserved body key is a context key, kept out of the inputs.
/// for key in RESERVED_KEYS.iter().filter(|key| !key.starts_with("X-")) {
///     assert!(Context::is_context_key(key), "{key}");
/// }
/// ```
pub const RESERVED_KEYS: &[&str] = &[
    "pluginSecret",
    "version",
    "claimId",
    "bitbadgesAddress",
    "claimAttemptId",
    "_isSimulation",
    "_isQueueHandler",
    "_attemptStatus",
    "lastUpdated",
    "createdAt",
    "email",
    "isAddressSignedIn",
    "locale",
    "instanceId",
    "X-BitBadges-Signature",
    "X-BitBadges-Timestamp",
    "X-BitBadges-Version",
];

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
    // Boxed: the context is most of a request's size (some 900 bytes), and
    // a request is moved several times on its way to a handler (out of the
    // decoder, into the extractor, into the handler's future); a box moves
    // as one pointer (BENCHMARKS.md, "The plugin route's own cost").
    context: Box<Context>,
    inputs: I,
    secret: SecretMatch,
}

impl<I> PluginRequest<I> {
    /// A request made by hand, for tests of handler logic. It reports the
    /// current secret as the one that matched.
    pub fn new(context: Context, inputs: I) -> Self {
        Self::verified(Box::new(context), inputs, SecretMatch::new(0))
    }

    pub(crate) fn verified(context: Box<Context>, inputs: I, secret: SecretMatch) -> Self {
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
        (*self.context, self.inputs)
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

    /// The attempt status (`_attemptStatus`); absent reads as
    /// [`AttemptStatus::Executing`]. See [`Context::attempt_status`].
    pub fn attempt_status(&self) -> &AttemptStatus {
        self.context.attempt_status()
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

    /// The key that identifies this status webhook among its retries; see
    /// [`Context::status_webhook_key`].
    pub fn status_webhook_key(&self) -> Option<String> {
        self.context.status_webhook_key()
    }

    /// The plugin version as text, whether it was sent as `"0"` or `0`.
    pub fn version(&self) -> Option<&str> {
        self.context.version()
    }

    /// `instanceId`: the plugin instance within the claim.
    pub fn instance_id(&self) -> Option<&str> {
        self.context.instance_id()
    }

    /// `createdAt` as a point in time.
    pub fn created_at_time(&self) -> Option<SystemTime> {
        self.context.created_at_time()
    }

    /// `lastUpdated` as a point in time.
    pub fn last_updated_time(&self) -> Option<SystemTime> {
        self.context.last_updated_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_reads_as_its_context_does() {
        let context = Context {
            claim_id: Some("c1".into()),
            claim_attempt_id: Some("a1".into()),
            attempt_status: Some(AttemptStatus::Success),
            instance_id: Some("i1".into()),
            bitbadges_address: Some("bb1qqq".into()),
            created_at: Some(1_700_000_000_000),
            last_updated: Some(1_700_000_001_000),
            version: serde_json::from_str("0").ok(),
            ..Context::default()
        };
        let request = PluginRequest::new(context.clone(), ());
        assert_eq!(request.claim_id(), Some("c1"));
        assert_eq!(request.attempt_id(), context.attempt_id());
        assert_eq!(request.attempt_status(), context.attempt_status());
        assert_eq!(request.is_simulation(), context.is_simulation());
        assert_eq!(request.is_status_webhook(), context.is_status_webhook());
        assert_eq!(request.status_webhook_key().as_deref(), Some("a1:success"));
        assert_eq!(request.version(), Some("0"));
        assert_eq!(request.instance_id(), Some("i1"));
        assert_eq!(request.address(), Some("bb1qqq"));
        assert_eq!(request.created_at_time(), context.created_at_time());
        assert!(request.created_at_time().is_some());
        assert_eq!(request.last_updated_time(), context.last_updated_time());
    }
}
