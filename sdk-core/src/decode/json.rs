//! Decoding a plugin request from a JSON body.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::error::Category;
use zeroize::Zeroizing;

use super::field::invalid_inputs;
use super::inputs::{Extra, InputsDeserializer, Sink};
use super::message::json_message;
use crate::key::Key;
use crate::plugin::SECRET_KEY;
use crate::{Error, ErrorKind, PluginRequest, SecretMatch, Secrets};

/// Checks the secret, then reads the context and the author's inputs in one
/// pass. The inputs are never read for a request with a bad secret.
///
/// The body is checked to be UTF-8 once, up front: JSON must be, and both
/// passes then read it as text, without checking each string again.
pub(crate) fn decode<I: DeserializeOwned>(
    body: &[u8],
    secrets: &Secrets,
    extra: &[Extra<'_>],
) -> Result<PluginRequest<I>, Error> {
    let body = std::str::from_utf8(body).map_err(|err| {
        Error::with_message(
            ErrorKind::MalformedBody,
            format!(
                "malformed JSON body: not UTF-8 at byte {}",
                err.valid_up_to()
            ),
        )
    })?;
    let matched = check_secret(body, secrets)?;
    let mut sink = Sink::default();
    match typed::<I>(body, &mut sink, extra) {
        Ok(inputs) => Ok(PluginRequest::verified(sink.context, inputs, matched)),
        Err(err) => Err(typed_error::<I>(body, &err, &sink, extra)),
    }
}

fn typed<'de, I: DeserializeOwned>(
    body: &'de str,
    sink: &mut Sink,
    extra: &'de [Extra<'de>],
) -> Result<I, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    let inputs = I::deserialize(InputsDeserializer::new(&mut de, sink, extra))?;
    de.end()?;
    Ok(inputs)
}

/// The first pass: find `pluginSecret`, skipping what comes before it, and
/// stop there; the fast scanner first, `serde_json` when it is unsure. The
/// second pass reads (and validates) the whole body.
fn check_secret(body: &str, secrets: &Secrets) -> Result<SecretMatch, Error> {
    let value = super::scan::secret_value_offset(body.as_bytes()).and_then(|at| body.get(at..));
    if let Some(value) = value {
        let mut de = serde_json::Deserializer::from_str(value);
        if let Ok(presented) = PresentedSeed.deserialize(&mut de) {
            return super::presented::verify(presented.as_ref().map(Presented::as_bytes), secrets);
        }
    }
    let mut in_secret = false;
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(body);
    let scanned = de.deserialize_map(SecretScan {
        in_secret: &mut in_secret,
        found: &mut found,
    });
    match (found, scanned) {
        // Stopping early leaves the object open, which the deserializer
        // reports as an error: expected, and ignored.
        (Some(presented), _) => {
            super::presented::verify(presented.as_ref().map(Presented::as_bytes), secrets)
        }
        (None, Ok(())) => {
            de.end().map_err(|err| scan_error(&err, false))?;
            super::presented::verify(None, secrets)
        }
        (None, Err(err)) => Err(scan_error(&err, in_secret)),
    }
}

fn scan_error(err: &serde_json::Error, in_secret: bool) -> Error {
    match err.classify() {
        Category::Data if in_secret => Error::invalid_field(SECRET_KEY, &json_message(err)),
        Category::Data => Error::with_message(
            ErrorKind::MalformedBody,
            format!("malformed JSON body: {}", json_message(err)),
        ),
        Category::Io | Category::Syntax | Category::Eof => malformed(err),
    }
}

fn malformed(err: &serde_json::Error) -> Error {
    Error::with_message(
        ErrorKind::MalformedBody,
        format!("malformed JSON body: {err}"),
    )
}

/// Names the field that failed: a context key, or the author's path (see
/// [`invalid_inputs`]).
fn typed_error<'de, I: DeserializeOwned>(
    body: &'de str,
    err: &serde_json::Error,
    sink: &Sink,
    extra: &'de [Extra<'de>],
) -> Error {
    if err.classify() != Category::Data {
        return malformed(err);
    }
    // A body that is not JSON at all is malformed, whatever the type found
    // missing first.
    if let Err(syntax) = serde_json::from_str::<IgnoredAny>(body) {
        return malformed(&syntax);
    }
    if let Some(key) = &sink.failed_key {
        return Error::invalid_field(key, &json_message(err));
    }
    let mut de = serde_json::Deserializer::from_str(body);
    invalid_inputs::<I, _>(&mut de, extra, &json_message(err))
}

/// The presented secret, borrowed from the body when it has no escapes; a
/// copy is zeroized on drop.
enum Presented<'de> {
    Borrowed(&'de str),
    Owned(Zeroizing<String>),
}

impl Presented<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Presented::Borrowed(text) => text.as_bytes(),
            Presented::Owned(text) => text.as_bytes(),
        }
    }
}

struct SecretScan<'a, 'de> {
    in_secret: &'a mut bool,
    /// Set when `pluginSecret` is found: `Some(None)` for `null`.
    found: &'a mut Option<Option<Presented<'de>>>,
}

impl<'de> Visitor<'de> for SecretScan<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if &*key == SECRET_KEY {
                *self.in_secret = true;
                *self.found = Some(map.next_value_seed(PresentedSeed)?);
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

struct PresentedSeed;

impl<'de> DeserializeSeed<'de> for PresentedSeed {
    type Value = Option<Presented<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PresentedSeed {
    type Value = Option<Presented<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Presented::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Presented::Owned(Zeroizing::new(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Presented::Owned(Zeroizing::new(v))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
