//! Hands a plugin author's type every key that is not a context field,
//! capturing the context fields on the way, in one pass over the input.

use std::fmt;

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::Value;

use super::query::{Node, NodeDe};
use crate::key::Key;
use crate::plugin::SECRET_KEY;
use crate::Context;

/// What the pass collects beside the inputs.
#[derive(Default)]
pub(crate) struct Sink {
    /// Boxed where it is made, so the request takes it without a copy.
    pub(crate) context: Box<Context>,
    /// The context key whose value failed to decode, for the error message.
    pub(crate) failed_key: Option<String>,
    /// Whether `pluginSecret` was seen: a second one is refused.
    secret_seen: bool,
}

/// An input that arrives outside the request object (from a header): its
/// key and its text, read like a query parameter.
pub(crate) type Extra<'de> = (&'de str, Node<'de>);

/// A deserializer for the plugin's inputs over a whole flat request object.
pub(crate) struct InputsDeserializer<'s, 'de, D> {
    inner: D,
    sink: &'s mut Sink,
    extra: &'de [Extra<'de>],
}

impl<'s, 'de, D> InputsDeserializer<'s, 'de, D> {
    /// The inputs of `inner`, then the `extra` ones; a key of `inner` that
    /// an extra input also has is skipped, so the extra value wins.
    pub(crate) fn new(inner: D, sink: &'s mut Sink, extra: &'de [Extra<'de>]) -> Self {
        Self { inner, sink, extra }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for InputsDeserializer<'_, 'de, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(InputsVisitor {
            visitor,
            sink: self.sink,
            extra: self.extra,
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // Inputs of `()`: still walk the object, for the context fields, and
        // read every input as a JSON value would be read (depth, numbers),
        // building nothing.
        self.deserialize_any(Checked)?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct InputsVisitor<'s, 'de, V> {
    visitor: V,
    sink: &'s mut Sink,
    extra: &'de [Extra<'de>],
}

impl<'de, V: Visitor<'de>> Visitor<'de> for InputsVisitor<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(FilteredMap {
            map,
            sink: self.sink,
            pending: None,
            pending_value: None,
            extra: self.extra,
            next_extra: 0,
            extra_value: None,
        })
    }
}

/// The request object seen without its context keys. Legacy hardcoded
/// inputs (`"0": {"key": value}`) are flattened into the top level; the
/// extra inputs follow the object's own.
struct FilteredMap<'s, 'de, A> {
    map: A,
    sink: &'s mut Sink,
    pending: Option<serde_json::map::IntoIter>,
    pending_value: Option<Value>,
    extra: &'de [Extra<'de>],
    next_extra: usize,
    extra_value: Option<&'de Node<'de>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FilteredMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            if let Some(entries) = &mut self.pending {
                if let Some((key, value)) = entries.next() {
                    // Flattened, a secret here would sit beside the real
                    // one and reach the author's inputs: refused alike.
                    if key == SECRET_KEY {
                        self.sink.failed_key = Some(SECRET_KEY.to_owned());
                        return Err(de::Error::duplicate_field(SECRET_KEY));
                    }
                    self.pending_value = Some(value);
                    return seed.deserialize(StringDeserializer::new(key)).map(Some);
                }
                self.pending = None;
            }
            let Some(key) = self.map.next_key::<Key<'de>>()? else {
                let Some((key, node)) = self.extra.get(self.next_extra) else {
                    return Ok(None);
                };
                self.next_extra += 1;
                self.extra_value = Some(node);
                return seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(key))
                    .map(Some);
            };
            if &*key == SECRET_KEY && std::mem::replace(&mut self.sink.secret_seen, true) {
                self.sink.failed_key = Some(SECRET_KEY.to_owned());
                return Err(de::Error::duplicate_field(SECRET_KEY));
            }
            match self.sink.context.read_field(&key, &mut self.map) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(err) => {
                    self.sink.failed_key = Some(key.to_string());
                    return Err(err);
                }
            }
            if self.extra.iter().any(|(extra, _)| *extra == &*key) {
                self.map.next_value::<de::IgnoredAny>()?;
                continue;
            }
            if key.is_index() {
                match self.map.next_value::<Value>()? {
                    Value::Object(entries) => {
                        self.pending = Some(entries.into_iter());
                        continue;
                    }
                    other => self.pending_value = Some(other),
                }
            }
            return key.seed(seed).map(Some);
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if let Some(node) = self.extra_value.take() {
            return seed.deserialize(NodeDe(node)).map_err(de::Error::custom);
        }
        match self.pending_value.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.map.next_value_seed(Strict(seed)),
        }
    }
}

/// A value handed to the author's type: read as the author's type asks,
/// except that a value it ignores (an unknown field) is still read as a JSON
/// value would be, so that nesting depth and number ranges are checked for
/// every input alike.
struct Strict<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(StrictDe(deserializer))
    }
}

struct StrictDe<D>(D);

/// Forwards each method to the wrapped deserializer.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for StrictDe<D> {
    type Error = D::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Checked)?;
        visitor.visit_unit()
    }

    forward! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(), deserialize_map(),
        deserialize_identifier(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Reads any value and builds nothing, like `IgnoredAny`, but through
/// `deserialize_any`, so that the deserializer's checks apply as they would
/// to a JSON value: nesting depth, numbers in range.
struct Checked;

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
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
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Checked)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Checked)?.is_some() {
            map.next_value_seed(Checked)?;
        }
        Ok(())
    }
}
