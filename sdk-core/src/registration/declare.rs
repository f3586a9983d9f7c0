//! The plugin declared once, in Rust: its preset, its inputs type and where
//! each input comes from. Its registration and its decoding both derive
//! from it.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    schema, HardcodedInput, InputSchema, InputType, Need, PluginVersionConfig, StateFunctionPreset,
    VerificationCall,
};
use crate::{Context, Error, ErrorKind, PluginConfig, RESERVED_KEYS};

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InputSource {
    /// The claiming user fills it in (`userInputsSchema`).
    User,
    /// The claim creator sets it, visible to everyone (`publicParamsSchema`).
    PublicParam,
    /// The claim creator sets it, kept private (`privateParamsSchema`).
    PrivateParam,
    /// The claim creator sets it, kept private, and the platform sends it as
    /// an HTTP header of the same name (`privateParamsSchema` with
    /// `headerField`): an API key, typically.
    Header,
    /// The plugin's author fixes it (`verificationCall.hardcodedInputs`).
    Hardcoded(Value),
    /// Fixed by the author and sent as a header (`hardcodedInputs` with
    /// `headerField`).
    HardcodedHeader(Value),
}

impl InputSource {
    fn is_header(&self) -> bool {
        matches!(self, Self::Header | Self::HardcodedHeader(_))
    }
}

/// A plugin, declared once: the preset it answers with, its inputs type `I`
/// (the one its handler decodes), where each input comes from, and what its
/// handler does beyond the preset.
///
/// From it come the plugin version config the platform registers
/// ([`version_config`](Self::version_config)) and the decoding
/// configuration ([`configure`](Self::configure): the inputs sent as
/// headers). The input schemas are generated from `I` by `schemars`, which
/// reads serde's attributes (`rename`, `rename_all`, `default`), so each
/// input's key and whether it is required are the ones `I`'s
/// `Deserialize` expects.
///
/// The flags follow from the preset and the handler ([`Need`]): a
/// `ClaimNumbers` plugin gets `receiveStatusWebhook` (numbers are confirmed
/// on `success`, released on `failure`), `ignoreSimulations` and
/// `passAddress` (under the 2026 call model a simulation may be the only
/// call); a `ClaimToken` plugin gets `ignoreSimulations` (the token the
/// platform marks used is the executing attempt's, which the plugin
/// stored); a handler [with post-claim work](Self::with_post_claim_work)
/// gets `receiveStatusWebhook`. `duplicatesAllowed` stays off unless
/// [asked for](Self::with_duplicates_allowed): the stores key numbers and
/// tokens by claim and attempt, not by `instanceId`. The call is a `POST`
/// (SDK 0.31: "always POST").
///
/// ```
/// use claimkit::registration::{InputType, PluginDeclaration, StateFunctionPreset};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// #[serde(rename_all = "camelCase")]
/// struct Inputs {
///     /// Access code
///     code: String,
///     /// Accepted codes
///     accepted_codes: Vec<String>,
/// }
///
/// let declaration = PluginDeclaration::<Inputs>::new(StateFunctionPreset::Stateless)
///     .user_input("code")
///     .private_param("acceptedCodes");
/// let config = declaration.version_config("https://plugins.example.org/access-code")?;
///
/// let user = &config.user_inputs_schema.as_ref().unwrap()[0];
/// assert_eq!((user.key.as_str(), user.label.as_str()), ("code", "Access code"));
/// assert_eq!((user.kind, user.is_required()), (InputType::String, true));
/// assert!(config.requires_user_inputs);
/// let private = &config.private_params_schema.as_ref().unwrap()[0];
/// assert!(private.is_array());
///
/// let json = serde_json::to_value(&config)?;
/// assert_eq!(json["stateFunctionPreset"], "Stateless");
/// assert_eq!(json["verificationCall"]["method"], "POST");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PluginDeclaration<I> {
    preset: StateFunctionPreset,
    sources: Vec<(String, InputSource)>,
    post_claim_work: bool,
    duplicates_allowed: bool,
    sign_in_required: bool,
    inputs: PhantomData<fn() -> I>,
}

impl<I> fmt::Debug for PluginDeclaration<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginDeclaration")
            .field("preset", &self.preset)
            .field("inputs", &std::any::type_name::<I>())
            .field("sources", &self.sources)
            .field("post_claim_work", &self.post_claim_work)
            .field("duplicates_allowed", &self.duplicates_allowed)
            .field("sign_in_required", &self.sign_in_required)
            .finish()
    }
}

impl<I> Clone for PluginDeclaration<I> {
    fn clone(&self) -> Self {
        Self {
            preset: self.preset,
            sources: self.sources.clone(),
            post_claim_work: self.post_claim_work,
            duplicates_allowed: self.duplicates_allowed,
            sign_in_required: self.sign_in_required,
            inputs: PhantomData,
        }
    }
}

impl<I: JsonSchema + DeserializeOwned> PluginDeclaration<I> {
    /// A plugin answering with `preset`, whose inputs are `I` (`()` for
    /// none). Every field of `I` must then be given a source.
    pub fn new(preset: StateFunctionPreset) -> Self {
        Self {
            preset,
            sources: Vec::new(),
            post_claim_work: false,
            duplicates_allowed: false,
            sign_in_required: false,
            inputs: PhantomData,
        }
    }

    /// The input `key` (its serde name) comes from `source`.
    pub fn input(mut self, key: impl Into<String>, source: InputSource) -> Self {
        self.sources.push((key.into(), source));
        self
    }

    /// The claiming user fills in `key`.
    pub fn user_input(self, key: impl Into<String>) -> Self {
        self.input(key, InputSource::User)
    }

    /// The claim creator sets `key`, visible to everyone.
    pub fn public_param(self, key: impl Into<String>) -> Self {
        self.input(key, InputSource::PublicParam)
    }

    /// The claim creator sets `key`, kept private.
    pub fn private_param(self, key: impl Into<String>) -> Self {
        self.input(key, InputSource::PrivateParam)
    }

    /// The claim creator sets `key`, kept private and sent as a header.
    pub fn header(self, key: impl Into<String>) -> Self {
        self.input(key, InputSource::Header)
    }

    /// The plugin's author fixes `key` to `value`.
    pub fn hardcoded(self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.input(key, InputSource::Hardcoded(value.into()))
    }

    /// The handler acts on status webhooks (a post-claim action on
    /// `success`): the version receives them.
    pub fn with_post_claim_work(mut self) -> Self {
        self.post_claim_work = true;
        self
    }

    /// The plugin may appear twice in one claim. Only for a handler whose
    /// state is keyed by `instanceId` too.
    pub fn with_duplicates_allowed(mut self) -> Self {
        self.duplicates_allowed = true;
        self
    }

    /// The claiming user must be signed in (`requireSignIn`).
    pub fn with_sign_in_required(mut self) -> Self {
        self.sign_in_required = true;
        self
    }

    /// The preset.
    pub fn preset(&self) -> StateFunctionPreset {
        self.preset
    }

    /// What the handler relies on the platform doing.
    pub fn needs(&self) -> Vec<Need> {
        Need::of(self.preset, self.post_claim_work)
    }

    /// The plugin version config for a plugin served at `uri` (the public
    /// HTTPS URL the platform calls), not finalized.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`], naming the input, when: a field of `I`
    /// has a shape the platform has no type for (a nested object, an array
    /// of arrays, any JSON value, a date as text); a field has no source, or
    /// two; a source names no field of `I`; a key is reserved
    /// ([`RESERVED_KEYS`], the context keys); a header input's key is not a
    /// header name; a hard-coded value is not of its field's type. Also
    /// when `uri` is not an `https://` URL, which the platform refuses.
    pub fn version_config(&self, uri: &str) -> Result<PluginVersionConfig, Error> {
        if uri.strip_prefix("https://").is_none_or(str::is_empty) {
            return Err(invalid(
                "the verification URI must be a public https:// URL: the platform calls nothing else",
            ));
        }
        let fields = self.sourced_fields()?;
        let mut config = PluginVersionConfig::new(self.preset);
        let mut call = VerificationCall::new(uri);
        let (mut user, mut public, mut private) = (Vec::new(), Vec::new(), Vec::new());
        for (mut field, source) in fields {
            match source {
                InputSource::User => user.push(field),
                InputSource::PublicParam => public.push(field),
                InputSource::PrivateParam => private.push(field),
                InputSource::Header => {
                    field.header_field = Some(true);
                    private.push(field);
                }
                InputSource::Hardcoded(value) | InputSource::HardcodedHeader(value) => {
                    call.hardcoded_inputs.push(HardcodedInput {
                        header_field: source.is_header().then_some(true),
                        key: field.key,
                        label: field.label,
                        kind: field.kind,
                        value: value.clone(),
                    });
                }
            }
        }
        config.requires_user_inputs = !user.is_empty();
        config.user_inputs_schema = Some(user).filter(|schema| !schema.is_empty());
        config.public_params_schema = Some(public).filter(|schema| !schema.is_empty());
        config.private_params_schema = Some(private).filter(|schema| !schema.is_empty());
        config.duplicates_allowed = self.duplicates_allowed;
        config.require_sign_in = self.sign_in_required.then_some(true);
        for need in self.needs() {
            match need {
                Need::StatusWebhooks => config.receive_status_webhook = true,
                Need::KnownClaimant => {
                    config.ignore_simulations = Some(true);
                    call.pass_address = Some(true);
                }
                Need::ExecutingCall => config.ignore_simulations = Some(true),
                Need::ProcessingCall => {}
            }
        }
        config.verification_call = Some(call);
        Ok(config)
    }

    /// `config` with the inputs this declaration sends as headers read from
    /// them ([`PluginConfig::with_header_input`]), so that the handler
    /// decodes what the platform sends.
    ///
    /// # Errors
    /// As [`version_config`](Self::version_config), for the inputs.
    pub fn configure(&self, config: PluginConfig) -> Result<PluginConfig, Error> {
        let fields = self.sourced_fields()?;
        Ok(fields
            .iter()
            .filter(|(_, source)| source.is_header())
            .fold(config, |config, (field, _)| {
                config.with_header_input(&field.key)
            }))
    }

    /// Each field of `I` with its source, in the order of the sources.
    fn sourced_fields(&self) -> Result<Vec<(InputSchema, &InputSource)>, Error> {
        let mut fields = schema::fields::<I>()?;
        let type_name = std::any::type_name::<I>();
        let mut sourced = Vec::with_capacity(fields.len());
        for (key, source) in &self.sources {
            let Some(at) = fields.iter().position(|field| field.key == *key) else {
                let problem = if sourced
                    .iter()
                    .any(|(field, _): &(InputSchema, _)| field.key == *key)
                {
                    "has two sources".to_owned()
                } else {
                    format!("is not a field of `{type_name}` (use its serde name)")
                };
                return Err(invalid(format!("input `{key}` {problem}")));
            };
            let field = fields.remove(at);
            check_key(&field.key, source.is_header())?;
            if let InputSource::Hardcoded(value) | InputSource::HardcodedHeader(value) = source {
                check_value(&field, value)?;
            }
            sourced.push((field, source));
        }
        if let Some(field) = fields.first() {
            return Err(invalid(format!(
                "input `{}` of `{type_name}` has no source: declare it with user_input, public_param, private_param, header or hardcoded",
                field.key
            )));
        }
        Ok(sourced)
    }
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::with_message(ErrorKind::InvalidConfig, message)
}

/// Refuses a reserved key, and a header input whose key is no header name.
fn check_key(key: &str, header: bool) -> Result<(), Error> {
    let reserved = Context::is_context_key(key)
        || RESERVED_KEYS
            .iter()
            .any(|reserved| reserved.eq_ignore_ascii_case(key));
    if reserved {
        return Err(invalid(format!(
            "input `{key}` uses a reserved key: the platform's context fields take its place"
        )));
    }
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if header && !key.bytes().all(token) {
        return Err(invalid(format!(
            "input `{key}` is sent as a header, and is not a header name"
        )));
    }
    Ok(())
}

/// Refuses a hard-coded value that is not of its field's type.
fn check_value(field: &InputSchema, value: &Value) -> Result<(), Error> {
    let fits = |value: &Value| match field.kind {
        InputType::String | InputType::Url => value.is_string(),
        InputType::Number => value.is_number(),
        InputType::Date => value.is_u64(),
        InputType::Boolean => value.is_boolean(),
    };
    let ok = match (field.is_array(), value) {
        (true, Value::Array(values)) => values.iter().all(fits),
        (true, _) => false,
        (false, value) => fits(value),
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "input `{}`: the hard-coded value is not of its type",
            field.key
        )))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::registration::UnixMillis;
    use crate::testing::PluginCall;
    use crate::{Secret, Source};

    #[allow(dead_code)]
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Inputs {
        /// Access code
        code: String,
        #[serde(rename = "apiKey")]
        key: String,
        #[serde(default)]
        ignore_case: bool,
        opens_at: Option<UnixMillis>,
        region: String,
        tags: Vec<String>,
    }

    fn declaration() -> PluginDeclaration<Inputs> {
        PluginDeclaration::new(StateFunctionPreset::Stateless)
            .user_input("code")
            .header("apiKey")
            .public_param("ignoreCase")
            .public_param("opensAt")
            .hardcoded("region", "eu")
            .private_param("tags")
    }

    const URI: &str = "https://plugins.example.org/code";

    #[test]
    fn each_source_lands_in_its_schema() {
        let config = declaration().version_config(URI).unwrap();
        let keys = |schema: &Option<Vec<InputSchema>>| -> Vec<String> {
            schema
                .iter()
                .flatten()
                .map(|input| input.key.clone())
                .collect()
        };
        assert_eq!(keys(&config.user_inputs_schema), ["code"]);
        assert_eq!(
            keys(&config.public_params_schema),
            ["ignoreCase", "opensAt"]
        );
        assert_eq!(keys(&config.private_params_schema), ["apiKey", "tags"]);
        let private = config.private_params_schema.as_ref().unwrap();
        assert!(private[0].is_header() && !private[1].is_header());
        let call = config.verification_call.as_ref().unwrap();
        assert_eq!(call.uri, URI);
        assert_eq!(call.hardcoded_inputs[0].key, "region");
        assert_eq!(call.hardcoded_inputs[0].value, "eu");
        assert!(config.requires_user_inputs && !config.receive_status_webhook);
        assert_eq!(config.ignore_simulations, None);
        assert_eq!(call.pass_address, None);
        assert!(!config.finalized && !config.duplicates_allowed);
    }

    #[test]
    fn the_preset_and_the_handler_set_their_flags() {
        let numbers = PluginDeclaration::<()>::new(StateFunctionPreset::ClaimNumbers)
            .version_config(URI)
            .unwrap();
        assert!(numbers.receive_status_webhook);
        assert_eq!(numbers.ignore_simulations, Some(true));
        let call = numbers.verification_call.as_ref().unwrap();
        assert_eq!(call.pass_address, Some(true));
        assert!(!numbers.requires_user_inputs);
        assert_eq!(numbers.user_inputs_schema, None);

        let tokens = PluginDeclaration::<()>::new(StateFunctionPreset::ClaimToken)
            .version_config(URI)
            .unwrap();
        assert_eq!(tokens.ignore_simulations, Some(true));
        assert!(!tokens.receive_status_webhook);

        let hook = PluginDeclaration::<()>::new(StateFunctionPreset::Stateless)
            .with_post_claim_work()
            .with_duplicates_allowed()
            .with_sign_in_required()
            .version_config(URI)
            .unwrap();
        assert!(hook.receive_status_webhook && hook.duplicates_allowed);
        assert_eq!(
            (hook.ignore_simulations, hook.require_sign_in),
            (None, Some(true))
        );

        for preset in [
            StateFunctionPreset::Stateless,
            StateFunctionPreset::ClaimToken,
            StateFunctionPreset::ClaimNumbers,
            StateFunctionPreset::CustomResponseHandler,
        ] {
            for work in [false, true] {
                let mut declaration = PluginDeclaration::<()>::new(preset);
                if work {
                    declaration = declaration.with_post_claim_work();
                }
                let config = declaration.version_config(URI).unwrap();
                assert_eq!(Need::unmet(&declaration.needs(), &config), [], "{preset:?}");
            }
        }
    }

    #[test]
    fn the_wire_names_are_the_sdks() {
        let config = declaration().version_config(URI).unwrap();
        let json = serde_json::to_value(&config).unwrap();
        for key in [
            "finalized",
            "stateFunctionPreset",
            "duplicatesAllowed",
            "receiveStatusWebhook",
            "reuseForNonIndexed",
            "requiresUserInputs",
            "userInputsSchema",
            "publicParamsSchema",
            "privateParamsSchema",
            "verificationCall",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["privateParamsSchema"][0]["headerField"], true);
        assert_eq!(json["privateParamsSchema"][1]["arrayField"], true);
        assert_eq!(json["publicParamsSchema"][1]["type"], "date");
        assert_eq!(json["userInputsSchema"][0]["label"], "Access code");
        assert_eq!(json["verificationCall"]["postProcessingJs"], "");
        assert_eq!(
            json["verificationCall"]["hardcodedInputs"][0]["type"],
            "string"
        );
        let back: PluginVersionConfig = serde_json::from_value(json).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn a_call_built_from_the_schema_decodes_and_one_lacking_a_required_input_does_not() {
        let declaration = declaration();
        let config = declaration.version_config(URI).unwrap();
        let plugin = declaration
            .configure(PluginConfig::new(Secret::new("s3cret").unwrap()))
            .unwrap();
        assert_eq!(plugin.header_inputs().collect::<Vec<_>>(), ["apiKey"]);
        let inputs = config.sample_inputs();
        let send = |skip: Option<&str>| {
            let mut call = PluginCall::executing("a1").with_secret("s3cret");
            let mut headers = Vec::new();
            for input in inputs
                .iter()
                .filter(|input| Some(input.key.as_str()) != skip)
            {
                if input.header {
                    headers.push((input.key.clone(), input.value.as_str().unwrap().to_owned()));
                } else {
                    call = call.with_input(&input.key, input.value.clone());
                }
            }
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            plugin.decode::<Inputs>(Source::Body, &headers[..], &call.json())
        };
        let decoded = send(None).unwrap();
        assert_eq!(decoded.inputs().key, "sample");
        assert_eq!(decoded.inputs().region, "eu");
        assert_eq!(
            decoded.inputs().opens_at,
            Some(UnixMillis(1_800_000_000_000))
        );
        let required: Vec<_> = inputs.iter().filter(|input| input.required).collect();
        assert_eq!(required.len(), 4);
        for input in required {
            let err = send(Some(&input.key)).unwrap_err();
            assert_eq!(err.status(), 400, "{}", input.key);
            assert!(err.message().contains(&input.key), "{err}");
        }
        for input in inputs.iter().filter(|input| !input.required) {
            assert!(send(Some(&input.key)).is_ok(), "{}", input.key);
        }
    }

    #[test]
    fn mistakes_in_the_declaration_name_the_input() {
        let cases: Vec<(PluginDeclaration<Inputs>, &str)> = vec![
            (
                declaration().private_param("code"),
                "input `code` has two sources",
            ),
            (
                declaration().user_input("cod"),
                "input `cod` is not a field of",
            ),
            (
                PluginDeclaration::new(StateFunctionPreset::Stateless).user_input("code"),
                "input `apiKey` of",
            ),
            (
                PluginDeclaration::new(StateFunctionPreset::Stateless)
                    .user_input("code")
                    .header("apiKey")
                    .public_param("ignoreCase")
                    .public_param("opensAt")
                    .hardcoded("region", 7)
                    .private_param("tags"),
                "input `region`: the hard-coded value",
            ),
        ];
        for (declaration, expected) in cases {
            let err = declaration.version_config(URI).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains(expected), "{err} / {expected}");
            assert!(declaration
                .configure(PluginConfig::new(Secret::new("s").unwrap()))
                .is_err());
        }

        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct Reserved {
            #[serde(rename = "claimId")]
            claim: String,
        }
        let err = PluginDeclaration::<Reserved>::new(StateFunctionPreset::Stateless)
            .private_param("claimId")
            .version_config(URI)
            .unwrap_err();
        assert!(
            err.message()
                .contains("input `claimId` uses a reserved key"),
            "{err}"
        );

        let err = declaration()
            .version_config("http://plugins.example.org/")
            .unwrap_err();
        assert!(err.message().contains("https://"), "{err}");
    }
}
