//! Deserializing the query's tree of text, turning text into a number or a
//! boolean only where the target type asks for one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::parse::{Map, Node};

/// The query deserializer's error: a plain message, sanitized before it is
/// shown.
#[derive(Debug)]
pub(crate) struct QueryError(pub(crate) String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

impl de::Error for QueryError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        QueryError(msg.to_string())
    }
}

impl<'a> Node<'a> {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Node::Leaf(text) => Unexpected::Str(text),
            Node::Map(_) => Unexpected::Map,
            Node::Seq(_) => Unexpected::Seq,
        }
    }

    /// A map whose keys are exactly `0..n` reads as a list, in index order.
    fn as_indexed<'m>(map: &'m Map<'a>) -> Option<Vec<&'m Self>> {
        let mut items: Vec<Option<&Self>> = vec![None; map.len()];
        for (key, node) in map {
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let index: usize = key.parse().ok()?;
            let slot = items.get_mut(index)?;
            *slot = Some(node);
        }
        items.into_iter().collect()
    }
}

/// Deserializes one node of the tree.
#[derive(Clone, Copy)]
pub(crate) struct NodeDe<'a>(pub(crate) &'a Node<'a>);

/// Number methods: parse the text, keeping only values for which `$ok`
/// holds (floats must be finite: `NaN` or `inf` is no JSON number).
macro_rules! parse_number {
    ($($method:ident => $visit:ident($ty:ty) if $ok:expr),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
                match self.0 {
                    Node::Leaf(text) => match text.trim().parse::<$ty>() {
                        Ok(number) if $ok(number) => visitor.$visit(number),
                        _ => Err(de::Error::invalid_value(Unexpected::Str(text), &visitor)),
                    },
                    other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
                }
            }
        )*
    };
}

fn any<T>(_: T) -> bool {
    true
}

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => visitor.visit_borrowed_str(text),
            Node::Seq(items) => visitor.visit_seq(Items(items.iter())),
            Node::Map(map) => match Node::as_indexed(map) {
                Some(items) => visitor.visit_seq(Items(items.into_iter())),
                None => visitor.visit_map(Entries {
                    entries: map.iter(),
                    value: None,
                }),
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => match text.as_ref() {
                "true" => visitor.visit_bool(true),
                "false" => visitor.visit_bool(false),
                _ => Err(de::Error::invalid_value(Unexpected::Str(text), &visitor)),
            },
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    parse_number! {
        deserialize_i8 => visit_i8(i8) if any,
        deserialize_i16 => visit_i16(i16) if any,
        deserialize_i32 => visit_i32(i32) if any,
        deserialize_i64 => visit_i64(i64) if any,
        deserialize_i128 => visit_i128(i128) if any,
        deserialize_u8 => visit_u8(u8) if any,
        deserialize_u16 => visit_u16(u16) if any,
        deserialize_u32 => visit_u32(u32) if any,
        deserialize_u64 => visit_u64(u64) if any,
        deserialize_u128 => visit_u128(u128) if any,
        deserialize_f32 => visit_f32(f32) if f32::is_finite,
        deserialize_f64 => visit_f64(f64) if f64::is_finite,
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    _ => Err(de::Error::invalid_value(Unexpected::Str(text), &visitor)),
                }
            }
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => visitor.visit_borrowed_str(text),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => visitor.visit_borrowed_bytes(text.as_bytes()),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        // axios leaves `null` out, so a present key is always `Some`.
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) if text.is_empty() => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Seq(items) => visitor.visit_seq(Items(items.iter())),
            // A single `key=value` reads as a list of one.
            Node::Leaf(_) => visitor.visit_seq(Items(std::slice::from_ref(self.0).iter())),
            Node::Map(map) => match Node::as_indexed(map) {
                Some(items) => visitor.visit_seq(Items(items.into_iter())),
                None => Err(de::Error::invalid_type(Unexpected::Map, &visitor)),
            },
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Map(map) => visitor.visit_map(Entries {
                entries: map.iter(),
                value: None,
            }),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        match self.0 {
            Node::Leaf(text) => visitor.visit_enum(
                IntoDeserializer::<QueryError>::into_deserializer(text.as_ref()),
            ),
            Node::Map(map) if map.len() == 1 => {
                let (variant, value) = map.iter().next().expect("one entry");
                visitor.visit_enum(Variant { variant, value })
            }
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_unit()
    }
}

struct Items<I>(I);

impl<'de, I: Iterator<Item = &'de Node<'de>>> SeqAccess<'de> for Items<I> {
    type Error = QueryError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, QueryError> {
        self.0
            .next()
            .map(|node| seed.deserialize(NodeDe(node)))
            .transpose()
    }
}

struct Entries<'de> {
    entries: std::collections::btree_map::Iter<'de, Cow<'de, str>, Node<'de>>,
    value: Option<&'de Node<'de>>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = QueryError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, QueryError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, QueryError> {
        match self.value.take() {
            Some(value) => seed.deserialize(NodeDe(value)),
            None => Err(de::Error::custom("value requested before key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Variant<'de> {
    variant: &'de Cow<'de, str>,
    value: &'de Node<'de>,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = QueryError;
    type Variant = NodeDe<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, NodeDe<'de>), QueryError> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::new(self.variant))?;
        Ok((variant, NodeDe(self.value)))
    }
}

impl<'de> VariantAccess<'de> for NodeDe<'de> {
    type Error = QueryError;

    fn unit_variant(self) -> Result<(), QueryError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, QueryError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_map(visitor)
    }
}
