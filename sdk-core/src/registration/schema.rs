//! From an inputs type's JSON Schema (schemars) to the platform's input
//! schemas: each field's key, label, type, and whether it is required.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;

use super::{InputOption, InputSchema, InputType, UNIX_MILLIS_FORMAT};
use crate::{Error, ErrorKind};

/// The fields of `I`, in the order of its JSON Schema's properties, each as
/// an input schema: key, label (the field's title, or the first paragraph
/// of its doc comment, or its key), helper (the rest of the doc comment),
/// type, `arrayField`, options, default value, and `required` when serde
/// requires it.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] naming the field whose shape the platform
/// has no type for, or when `I` is not a struct with named fields.
pub(crate) fn fields<I: JsonSchema>() -> Result<Vec<InputSchema>, Error> {
    let generator = SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let root = generator.into_root_schema_for::<I>();
    from_schema(&I::schema_name(), root.as_value())
}

fn from_schema(name: &str, root: &Value) -> Result<Vec<InputSchema>, Error> {
    if type_names(root).as_deref() == Some(&["null"][..]) {
        // `()`: a plugin without inputs.
        return Ok(Vec::new());
    }
    let not_a_struct = || {
        Error::with_message(
            ErrorKind::InvalidConfig,
            format!("the inputs type `{name}` must be a struct with named fields (or `()`)"),
        )
    };
    if type_names(root).as_deref() != Some(&["object"][..]) {
        return Err(not_a_struct());
    }
    if root
        .get("additionalProperties")
        .is_some_and(|extra| extra != false)
    {
        return Err(Error::with_message(
            ErrorKind::InvalidConfig,
            format!("the inputs type `{name}` takes any key (a map or `#[serde(flatten)]`): the platform needs each input named"),
        ));
    }
    let required: Vec<&str> = root
        .get("required")
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = root.get("properties").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    properties
        .iter()
        .map(|(key, schema)| field(key, schema, required.contains(&key.as_str())))
        .collect()
}

/// One field's input schema.
fn field(key: &str, schema: &Value, required: bool) -> Result<InputSchema, Error> {
    let unsupported = |shape: &str| {
        Error::with_message(
            ErrorKind::InvalidConfig,
            format!(
                "input `{key}`: {shape} is not a platform input type \
                 (string, number, boolean, date, url, or an array of one)"
            ),
        )
    };
    let described = without_null(schema);
    let (kind, options, array) = match scalar(described) {
        Ok((kind, options)) => (kind, options, false),
        Err(Shape::Array) => {
            let items = described
                .get("items")
                .map(without_null)
                .ok_or_else(|| unsupported("an array of any value"))?;
            match scalar(items) {
                Ok((kind, options)) => (kind, options, true),
                Err(Shape::Array) => return Err(unsupported("an array of arrays")),
                Err(shape) => return Err(unsupported(&format!("an array of {}", shape.name()))),
            }
        }
        Err(shape) => return Err(unsupported(shape.name())),
    };
    let (label, helper) = label_and_helper(schema, described, key);
    let mut input = InputSchema::new(key, kind);
    input.label = label;
    input.helper = helper;
    input.required = required.then_some(true);
    input.options = options;
    input.array_field = array.then_some(true);
    input.default_value = schema
        .get("default")
        .or_else(|| described.get("default"))
        .filter(|value| value.is_string() || value.is_number() || value.is_boolean())
        .cloned();
    Ok(input)
}

/// A shape the platform has no scalar type for.
enum Shape {
    Array,
    Object,
    Any,
    Other(&'static str),
}

impl Shape {
    fn name(&self) -> &'static str {
        match self {
            Shape::Array => "an array",
            Shape::Object => "a nested object",
            Shape::Any => "any JSON value",
            Shape::Other(name) => name,
        }
    }
}

/// A scalar's platform type, with the choices of an enum.
fn scalar(schema: &Value) -> Result<(InputType, Option<Vec<InputOption>>), Shape> {
    if let Some(options) = choices(schema) {
        let kind = match options.first().map(|option| &option.value) {
            Some(Value::String(_)) => InputType::String,
            Some(Value::Number(_)) => InputType::Number,
            Some(Value::Bool(_)) => InputType::Boolean,
            _ => return Err(Shape::Other("an enum without values")),
        };
        let same = |option: &InputOption| match kind {
            InputType::String => option.value.is_string(),
            InputType::Number => option.value.is_number(),
            _ => option.value.is_boolean(),
        };
        if !options.iter().all(same) {
            return Err(Shape::Other("an enum of mixed types"));
        }
        return Ok((kind, Some(options)));
    }
    let Some(types) = type_names(schema) else {
        return Err(if schema.get("oneOf").or(schema.get("anyOf")).is_some() {
            Shape::Other("an enum with data, or a choice of types,")
        } else {
            Shape::Any
        });
    };
    let format = schema.get("format").and_then(Value::as_str);
    match types.as_slice() {
        ["string"] => match format {
            Some("uri" | "url") => Ok((InputType::Url, None)),
            Some("date-time" | "date") => Err(Shape::Other(
                "a date as text (the platform sends dates as UNIX milliseconds: use `UnixMillis`)",
            )),
            _ => Ok((InputType::String, None)),
        },
        ["integer" | "number"] if format == Some(UNIX_MILLIS_FORMAT) => Ok((InputType::Date, None)),
        ["integer" | "number"] => Ok((InputType::Number, None)),
        ["boolean"] => Ok((InputType::Boolean, None)),
        ["array"] => Err(Shape::Array),
        ["object"] => Err(Shape::Object),
        _ => Err(Shape::Other("a choice of types")),
    }
}

/// The values of a unit-variant enum: `enum`, or `oneOf` of `const`s (with
/// doc comments, labelled by them).
fn choices(schema: &Value) -> Option<Vec<InputOption>> {
    let option = |value: &Value, label: Option<&str>| {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        InputOption::new(label.unwrap_or(&text).to_owned(), value.clone())
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter(|value| !value.is_null())
                .map(|value| option(value, None))
                .collect(),
        );
    }
    let variants = schema.get("oneOf").or(schema.get("anyOf"))?.as_array()?;
    variants
        .iter()
        .map(|variant| {
            let value = variant.get("const")?;
            let label = variant
                .get("title")
                .or(variant.get("description"))
                .and_then(Value::as_str);
            Some(option(value, label))
        })
        .collect()
}

/// The schema without its `null` alternative (`Option<T>`): `type: [T,
/// "null"]`, or `anyOf`/`oneOf` of a schema and `{"type": "null"}`.
fn without_null(schema: &Value) -> &Value {
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = schema.get(key) {
            let mut rest = variants
                .iter()
                .filter(|variant| type_names(variant).as_deref() != Some(&["null"][..]));
            if let (Some(only), None) = (rest.next(), rest.next()) {
                if variants.len() == 2 {
                    return only;
                }
            }
        }
    }
    schema
}

/// The schema's `type`, without `null`.
fn type_names(schema: &Value) -> Option<Vec<&str>> {
    let names: Vec<&str> = match schema.get("type")? {
        Value::String(name) => vec![name],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    let without: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| *name != "null")
        .collect();
    Some(if without.is_empty() { names } else { without })
}

/// The label: the title, or the first paragraph of the description, or the
/// key. The helper: the description after the label's paragraph (all of it
/// when there is a title).
fn label_and_helper(schema: &Value, described: &Value, key: &str) -> (String, Option<String>) {
    let text = |name: &str| {
        schema
            .get(name)
            .or_else(|| described.get(name))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    };
    let description = text("description");
    if let Some(title) = text("title") {
        return (title.to_owned(), description.map(str::to_owned));
    }
    let Some(description) = description else {
        return (key.to_owned(), None);
    };
    match description.split_once("\n\n") {
        Some((first, rest)) => (
            first.split_whitespace().collect::<Vec<_>>().join(" "),
            Some(rest.trim().to_owned()).filter(|rest| !rest.is_empty()),
        ),
        None => (
            description.split_whitespace().collect::<Vec<_>>().join(" "),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::UnixMillis;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Inputs {
        /// Access code
        ///
        /// The code printed on the ticket.
        code: String,
        #[schemars(title = "Accepted codes")]
        accepted_codes: Vec<String>,
        #[serde(default)]
        ignore_case: bool,
        #[serde(rename = "max")]
        limit: Option<u32>,
        #[schemars(url)]
        site: String,
        opens_at: UnixMillis,
        tier: Tier,
        #[serde(default = "ratio")]
        ratio: f64,
    }

    fn ratio() -> f64 {
        0.5
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Tier {
        Gold,
        Silver,
    }

    fn by_key(fields: &[InputSchema], key: &str) -> InputSchema {
        fields
            .iter()
            .find(|field| field.key == key)
            .cloned()
            .unwrap()
    }

    #[test]
    fn every_platform_type_maps() {
        let fields = fields::<Inputs>().unwrap();
        assert_eq!(fields.len(), 8);
        let code = by_key(&fields, "code");
        assert_eq!((code.kind, code.required), (InputType::String, Some(true)));
        assert_eq!(code.label, "Access code");
        assert_eq!(
            code.helper.as_deref(),
            Some("The code printed on the ticket.")
        );
        let accepted = by_key(&fields, "acceptedCodes");
        assert_eq!(accepted.label, "Accepted codes");
        assert!(accepted.is_array() && accepted.is_required());
        let ignore = by_key(&fields, "ignoreCase");
        assert_eq!((ignore.kind, ignore.required), (InputType::Boolean, None));
        assert_eq!(ignore.default_value, Some(Value::Bool(false)));
        let max = by_key(&fields, "max");
        assert_eq!(
            (max.kind, max.required, max.label.as_str()),
            (InputType::Number, None, "max")
        );
        assert_eq!(by_key(&fields, "site").kind, InputType::Url);
        assert_eq!(by_key(&fields, "opensAt").kind, InputType::Date);
        let tier = by_key(&fields, "tier");
        assert_eq!(tier.kind, InputType::String);
        let values: Vec<_> = tier.options.unwrap().into_iter().map(|o| o.value).collect();
        assert_eq!(values, ["gold", "silver"]);
        assert_eq!(
            by_key(&fields, "ratio").default_value,
            Some(serde_json::json!(0.5))
        );
    }

    #[test]
    fn unsupported_shapes_name_the_field() {
        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct Nested {
            inner: Inner,
        }
        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct Inner {
            a: u8,
        }
        let err = fields::<Nested>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(
            err.message().contains("input `inner`: a nested object"),
            "{err}"
        );

        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct Grid {
            rows: Vec<Vec<u8>>,
        }
        let err = fields::<Grid>().unwrap_err();
        assert!(
            err.message().contains("input `rows`: an array of arrays"),
            "{err}"
        );

        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct Anything {
            value: serde_json::Value,
        }
        let err = fields::<Anything>().unwrap_err();
        assert!(
            err.message().contains("input `value`: any JSON value"),
            "{err}"
        );

        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        struct TextDate {
            #[schemars(extend("format" = "date-time"))]
            at: String,
        }
        let err = fields::<TextDate>().unwrap_err();
        assert!(
            err.message().contains("input `at`: a date as text"),
            "{err}"
        );

        let err = fields::<Vec<String>>().unwrap_err();
        assert!(err.message().contains("struct with named fields"), "{err}");
        let err = fields::<std::collections::HashMap<String, String>>().unwrap_err();
        assert!(err.message().contains("takes any key"), "{err}");
    }

    #[test]
    fn unit_has_no_inputs() {
        assert_eq!(fields::<()>().unwrap(), []);
    }

    #[test]
    fn documented_variants_keep_their_labels() {
        #[allow(dead_code)]
        #[derive(Deserialize, JsonSchema)]
        enum Level {
            /// Beginner
            Low,
            /// Expert
            High,
        }
        let schema = serde_json::to_value(schemars::schema_for!(Level)).unwrap();
        let options = choices(&schema).unwrap();
        let labels: Vec<_> = options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["Beginner", "Expert"]);
    }
}
