//! A call's inputs built from a version config: what the platform would
//! send, for tests and checks.

use serde_json::Value;

use super::{InputSchema, InputType, PluginVersionConfig};

/// One input of a call built from a version config.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SampleInput {
    /// Its key.
    pub key: String,
    /// A value of its type.
    pub value: Value,
    /// Whether the config marks it required.
    pub required: bool,
    /// Whether the platform sends it as a header.
    pub header: bool,
}

impl InputSchema {
    /// A value of this input's type that the platform could send: its
    /// default, or its first option, or a plain value of its type (an
    /// array of one for an array field).
    pub fn sample_value(&self) -> Value {
        let one = self
            .default_value
            .clone()
            .or_else(|| {
                self.options
                    .as_ref()
                    .and_then(|options| options.first())
                    .map(|option| option.value.clone())
            })
            .unwrap_or_else(|| match self.kind {
                InputType::String => Value::from("sample"),
                InputType::Number => Value::from(1),
                InputType::Boolean => Value::from(true),
                InputType::Date => Value::from(1_800_000_000_000_u64),
                InputType::Url => Value::from("https://example.org/"),
            });
        if self.is_array() && !one.is_array() {
            Value::Array(vec![one])
        } else {
            one
        }
    }
}

impl PluginVersionConfig {
    /// Every input a call under this config carries: each schema's inputs
    /// with a [sample value](InputSchema::sample_value), and the hard-coded
    /// inputs with theirs.
    ///
    /// ```
    /// use claimkit::registration::{InputSchema, InputType, PluginVersionConfig, StateFunctionPreset};
    ///
    /// let mut config = PluginVersionConfig::new(StateFunctionPreset::Stateless);
    /// let mut code = InputSchema::new("code", InputType::String);
    /// code.required = Some(true);
    /// config.user_inputs_schema = Some(vec![code]);
    /// let inputs = config.sample_inputs();
    /// assert_eq!((inputs[0].key.as_str(), inputs[0].required), ("code", true));
    /// assert_eq!(inputs[0].value, "sample");
    /// ```
    pub fn sample_inputs(&self) -> Vec<SampleInput> {
        let schemas = self.inputs().map(|input| SampleInput {
            key: input.key.clone(),
            value: input.sample_value(),
            required: input.is_required(),
            header: input.is_header(),
        });
        let hardcoded = self
            .verification_call
            .iter()
            .flat_map(|call| &call.hardcoded_inputs)
            .map(|input| SampleInput {
                key: input.key.clone(),
                value: input.value.clone(),
                required: true,
                header: input.header_field == Some(true),
            });
        schemas.chain(hardcoded).collect()
    }
}
