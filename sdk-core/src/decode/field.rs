//! Naming the field at which a plugin author's inputs type failed.

use serde::de::{DeserializeOwned, Deserializer};

use super::inputs::{Extra, InputsDeserializer, Sink};
use crate::Error;

/// The [`ErrorKind::InvalidField`](crate::ErrorKind::InvalidField) error
/// for inputs `I` that failed with `problem`: `I` is deserialized once more
/// from `inner`, with path tracking (only ever on the error path), to name
/// the field (`discord.id`, `items[2]`; none for the request as a whole).
pub(crate) fn invalid_inputs<'de, I, D>(inner: D, extra: &'de [Extra<'de>], problem: &str) -> Error
where
    I: DeserializeOwned,
    D: Deserializer<'de>,
{
    let mut rerun = Sink::default();
    let path = match serde_path_to_error::deserialize::<_, I>(InputsDeserializer::new(
        inner, &mut rerun, extra,
    )) {
        Err(err) => err.path().to_string(),
        Ok(_) => String::new(),
    };
    let path = if path == "." { "" } else { path.as_str() };
    Error::invalid_field(path, problem)
}
