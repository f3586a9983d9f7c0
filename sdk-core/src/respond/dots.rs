//! Keys without `.`: the platform stores plugin responses as database paths.

use std::borrow::Cow;
use std::fmt;
use std::io;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Value;

use super::render::invalid;
use crate::key::Key;
use crate::Error;

/// What the platform writes for `.` in a key.
const DOT: &str = "[dot]";

/// Replaces every `.` with `[dot]`, the platform's escape
/// (`bob@abc.com` → `bob@abc[dot]com`). Borrows when there is nothing to do.
///
/// ```
/// assert_eq!(claimkit::escape_dots("bob@abc.com"), "bob@abc[dot]com");
/// ```
pub fn escape_dots(key: &str) -> Cow<'_, str> {
    if key.contains('.') {
        Cow::Owned(key.replace('.', DOT))
    } else {
        Cow::Borrowed(key)
    }
}

/// Replaces every `[dot]` with `.`: the inverse of [`escape_dots`] for any
/// text that did not already contain `[dot]`.
///
/// ```
/// assert_eq!(claimkit::unescape_dots("bob@abc[dot]com"), "bob@abc.com");
/// ```
pub fn unescape_dots(key: &str) -> Cow<'_, str> {
    if key.contains(DOT) {
        Cow::Owned(key.replace(DOT, "."))
    } else {
        Cow::Borrowed(key)
    }
}

/// Escapes the dots of every key of `value`, at every depth.
///
/// ```
/// use serde_json::json;
/// let mut value = json!({"bob@abc.com": {"x.y": 1}, "list": [{"a.b": 2}]});
/// claimkit::escape_keys(&mut value);
/// assert_eq!(value, json!({"bob@abc[dot]com": {"x[dot]y": 1}, "list": [{"a[dot]b": 2}]}));
/// ```
pub fn escape_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let entries = std::mem::take(map);
            *map = entries
                .into_iter()
                .map(|(key, mut value)| {
                    escape_keys(&mut value);
                    let key = match escape_dots(&key) {
                        Cow::Borrowed(_) => key,
                        Cow::Owned(escaped) => escaped,
                    };
                    (key, value)
                })
                .collect();
        }
        Value::Array(items) => items.iter_mut().for_each(escape_keys),
        _ => {}
    }
}

/// The first key (at any depth) of a JSON document that contains `.`.
///
/// # Errors
/// The `serde_json` error when `json` is not valid JSON.
///
/// ```
/// let found = claimkit::find_dotted_key(br#"{"a": [{"b.c": 1}]}"#).unwrap();
/// assert_eq!(found.as_deref(), Some("b.c"));
/// assert_eq!(claimkit::find_dotted_key(br#"{"a": "b.c"}"#).unwrap(), None);
/// ```
pub fn find_dotted_key(json: &[u8]) -> Result<Option<String>, serde_json::Error> {
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(json);
    Scan(&mut found).deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

struct Scan<'a>(&'a mut Option<String>);

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if self.0.is_none() && key.contains('.') {
                *self.0 = Some(key.to_string());
            }
            map.next_value_seed(Scan(self.0))?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Scan(self.0))?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Serializes `value` to compact JSON, failing on the first key that
/// contains `.`. The check runs inside the serializer: no second pass.
pub(crate) fn to_vec_checked<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut body = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut body, DotCheck::default());
    match value.serialize(&mut serializer) {
        Ok(()) => Ok(body),
        Err(err) if err.is_io() => Err(invalid("a key of the response contains `.`")),
        Err(_) => Err(invalid("the response could not be serialized")),
    }
}

/// A compact formatter that refuses object keys containing `.`.
#[derive(Default)]
struct DotCheck {
    in_key: bool,
}

fn dotted() -> io::Error {
    io::Error::other("dotted key")
}

impl DotCheck {
    fn check_number<W: ?Sized + io::Write>(
        &self,
        writer: &mut W,
        write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut text = Vec::new();
        write(&mut text)?;
        if self.in_key && text.contains(&b'.') {
            return Err(dotted());
        }
        writer.write_all(&text)
    }
}

impl Formatter for DotCheck {
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.in_key = true;
        CompactFormatter.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        CompactFormatter.end_object_key(writer)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key && fragment.contains('.') {
            return Err(dotted());
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.check_number(writer, |text| CompactFormatter.write_f32(text, value))
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        self.check_number(writer, |text| CompactFormatter.write_f64(text, value))
    }

    fn write_number_str<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &str,
    ) -> io::Result<()> {
        self.check_number(writer, |text| {
            CompactFormatter.write_number_str(text, value)
        })
    }

    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        match find_dotted_key(fragment.as_bytes()) {
            Ok(None) => writer.write_all(fragment.as_bytes()),
            _ => Err(dotted()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn escaping_round_trips(key in "\\PC*") {
            prop_assume!(!key.contains(DOT));
            let escaped = escape_dots(&key);
            prop_assert!(!escaped.contains('.'));
            prop_assert_eq!(unescape_dots(&escaped), key.as_str());
        }

        #[test]
        fn the_checker_agrees_with_escaping(key in "[a-z@.\\[\\]]{0,12}", value in any::<u32>()) {
            let mut map = serde_json::Map::new();
            map.insert(key.clone(), Value::from(value));
            let raw = Value::Object(map);
            prop_assert_eq!(to_vec_checked(&raw).is_err(), key.contains('.'));
            let json = serde_json::to_vec(&raw).unwrap();
            prop_assert_eq!(find_dotted_key(&json).unwrap().is_some(), key.contains('.'));

            let mut escaped = raw.clone();
            escape_keys(&mut escaped);
            prop_assert!(to_vec_checked(&escaped).is_ok());
            prop_assert_eq!(to_vec_checked(&escaped).unwrap(), serde_json::to_vec(&escaped).unwrap());
        }
    }

    #[test]
    fn escaping_borrows_when_it_can() {
        assert!(matches!(escape_dots("plain"), Cow::Borrowed(_)));
        assert!(matches!(unescape_dots("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_dots("a.b.c"), "a[dot]b[dot]c");
    }

    #[test]
    fn values_may_contain_dots() {
        let body = to_vec_checked(&serde_json::json!({"email": "bob@abc.com", "n": 1.5})).unwrap();
        assert_eq!(body, br#"{"email":"bob@abc.com","n":1.5}"#);
    }

    #[test]
    fn find_dotted_key_reports_invalid_json() {
        assert!(find_dotted_key(b"{").is_err());
        assert!(find_dotted_key(b"{} x").is_err());
        assert_eq!(
            find_dotted_key(b"[1, \"a.b\", {\"ok\": null}]").unwrap(),
            None
        );
    }
}
