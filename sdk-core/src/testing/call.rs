//! Plugin calls built the way the platform sends them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{AttemptStatus, Context, Source, Version};

/// A BitBadges plugin call for tests: context fields, inputs and secret,
/// rendered as the JSON body of a `POST`/`PUT`/`DELETE` or the axios query
/// of a `GET`.
///
/// ```
/// use claimkit::testing::PluginCall;
/// use claimkit::{PluginConfig, Secret};
///
/// let call = PluginCall::executing("attempt-1")
///     .with_secret("s3cret")
///     .with_address("bb1zd5dsage58jfrgmsu377pk6w0q5zhc67fn4gsl")
///     .with_input("code", "WELCOME");
///
/// let config = PluginConfig::new(Secret::new("s3cret")?);
/// let from_body = config.decode_json::<serde_json::Value>(&call.json())?;
/// let from_query = config.decode_query::<serde_json::Value>(&call.query())?;
/// assert_eq!(from_body.attempt_id(), Some("attempt-1"));
/// assert_eq!(from_query.inputs()["code"], "WELCOME");
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PluginCall {
    context: Context,
    secret: Option<String>,
    inputs: Map<String, Value>,
}

/// The claim id test calls carry unless told otherwise.
pub const TEST_CLAIM_ID: &str = "claim-under-test";

impl PluginCall {
    fn with_status(attempt_id: &str, status: AttemptStatus, simulation: bool) -> Self {
        let context = Context {
            claim_id: Some(TEST_CLAIM_ID.to_owned()),
            claim_attempt_id: Some(attempt_id.to_owned()),
            simulation: Some(simulation),
            attempt_status: Some(status),
            created_at: Some(1_800_000_000_000),
            last_updated: Some(1_800_000_000_000),
            version: Some(Version::text("0")),
            ..Context::default()
        };
        Self {
            context,
            secret: None,
            inputs: Map::new(),
        }
    }

    /// An executing claim attempt.
    pub fn executing(attempt_id: &str) -> Self {
        Self::with_status(attempt_id, AttemptStatus::Executing, false)
    }

    /// A simulation (dry run): empty attempt id, `_isSimulation: true`.
    pub fn simulation() -> Self {
        Self::with_status("", AttemptStatus::Executing, true)
    }

    /// The `success` status webhook of an attempt.
    pub fn success(attempt_id: &str) -> Self {
        Self::with_status(attempt_id, AttemptStatus::Success, false)
    }

    /// The `failure` status webhook of an attempt.
    pub fn failure(attempt_id: &str) -> Self {
        Self::with_status(attempt_id, AttemptStatus::Failure, false)
    }

    /// Sets the `pluginSecret` sent.
    pub fn with_secret(mut self, secret: &str) -> Self {
        self.secret = Some(secret.to_owned());
        self
    }

    /// Sets the claiming address (`bitbadgesAddress`).
    pub fn with_address(mut self, address: &str) -> Self {
        self.context.bitbadges_address = Some(address.to_owned());
        self
    }

    /// Sets the claim id.
    pub fn with_claim_id(mut self, claim_id: &str) -> Self {
        self.context.claim_id = Some(claim_id.to_owned());
        self
    }

    /// Adds one of the plugin's inputs.
    ///
    /// # Panics
    /// When `value` cannot be represented as JSON (a map with non-string
    /// keys, say): a bug in the test.
    pub fn with_input(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).expect("a test input serializes to JSON");
        self.inputs.insert(key.to_owned(), value);
        self
    }

    /// Changes any context field.
    pub fn with_context(mut self, change: impl FnOnce(&mut Context)) -> Self {
        change(&mut self.context);
        self
    }

    /// The context fields.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The whole flat object: context fields, inputs, and `pluginSecret`.
    pub fn to_value(&self) -> Value {
        let mut object = match serde_json::to_value(&self.context) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        for (key, value) in &self.inputs {
            object.insert(key.clone(), value.clone());
        }
        if let Some(secret) = &self.secret {
            object.insert("pluginSecret".to_owned(), Value::from(secret.as_str()));
        }
        Value::Object(object)
    }

    /// The JSON body of a `POST`, `PUT` or `DELETE` call.
    pub fn json(&self) -> Vec<u8> {
        self.to_value().to_string().into_bytes()
    }

    /// The query string (without `?`) of a `GET` call, encoded as axios
    /// encodes it.
    pub fn query(&self) -> String {
        super::axios_query(&self.to_value())
    }

    /// The signature headers of this call's [`json`](Self::json) body,
    /// signed with `secret` at `timestamp_ms` (see
    /// [`sign_request`](super::sign_request)).
    pub fn signature_headers(&self, secret: &str, timestamp_ms: u64) -> Vec<(String, String)> {
        super::sign_request(secret, timestamp_ms, &self.json())
    }

    /// Where a call with `method` to `uri` goes: `uri` with the
    /// [`query`](Self::query) appended for a `GET`, `uri` itself otherwise.
    ///
    /// ```
    /// use claimkit::testing::PluginCall;
    ///
    /// let call = PluginCall::simulation();
    /// assert!(call.target("GET", "/hook?v=1").starts_with("/hook?v=1&"));
    /// assert_eq!(call.target("POST", "/hook"), "/hook");
    /// ```
    pub fn target(&self, method: &str, uri: &str) -> String {
        if Source::of_method(method) != Some(Source::Query) {
            return uri.to_owned();
        }
        let separator = if uri.contains('?') { '&' } else { '?' };
        format!("{uri}{separator}{}", self.query())
    }

    /// The JSON body of a call with `method`; `None` for a `GET`, whose
    /// fields travel in the query string.
    pub fn body(&self, method: &str) -> Option<Vec<u8>> {
        (Source::of_method(method) != Some(Source::Query)).then(|| self.json())
    }

    /// The signature headers of a call with `method`, over its raw bytes
    /// (the query string of a `GET`, the JSON body otherwise), signed with
    /// `secret` at `timestamp_ms` (see [`sign_request`](super::sign_request)).
    pub fn signature_headers_for(
        &self,
        method: &str,
        secret: &str,
        timestamp_ms: u64,
    ) -> Vec<(String, String)> {
        let raw = self
            .body(method)
            .unwrap_or_else(|| self.query().into_bytes());
        super::sign_request(secret, timestamp_ms, &raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PluginConfig, RawInputs, Secret};

    #[test]
    fn calls_decode_to_what_was_built() {
        let config = PluginConfig::new(Secret::new("s").unwrap());
        for call in [
            PluginCall::executing("a"),
            PluginCall::simulation(),
            PluginCall::success("a"),
            PluginCall::failure("a"),
        ] {
            let call = call
                .with_secret("s")
                .with_input("n", 5)
                .with_input("tags", ["x", "y"]);
            let body = config.decode_json::<RawInputs>(&call.json()).unwrap();
            assert_eq!(body.context(), call.context());
            assert_eq!(body.inputs()["n"], 5);
            let query = config.decode_query::<RawInputs>(&call.query()).unwrap();
            assert_eq!(query.context(), call.context());
            assert_eq!(query.inputs()["n"], "5");
            assert_eq!(query.inputs()["tags"], serde_json::json!(["x", "y"]));
        }
        assert!(PluginCall::simulation().context().is_simulation());
        assert!(PluginCall::failure("a").context().is_status_webhook());
        let changed = PluginCall::executing("a").with_context(|c| c.locale = Some("fr".into()));
        assert_eq!(changed.context().locale.as_deref(), Some("fr"));
        assert_eq!(
            PluginCall::executing("a")
                .with_claim_id("c9")
                .context()
                .claim_id
                .as_deref(),
            Some("c9")
        );
    }

    #[test]
    fn without_a_secret_none_is_sent() {
        let value = PluginCall::executing("a").to_value();
        assert!(value.get("pluginSecret").is_none());
    }
}
