//! Map keys read without copying where the input allows it, for every
//! module that walks a JSON object's keys (`decode`, `plugin`, `respond`).

use std::fmt;
use std::ops::Deref;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};

/// A map key: borrowed from the input when it has no escapes, owned
/// otherwise. (`Cow<str>`'s own `Deserialize` always copies.)
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    /// Whether the key is a small decimal index, as legacy hardcoded inputs
    /// were sent (`"0": {...}`).
    pub(crate) fn is_index(&self) -> bool {
        (1..=4).contains(&self.len()) && self.bytes().all(|b| b.is_ascii_digit())
    }
}

impl<'de> Key<'de> {
    /// Hands the key to `seed` as a string, without copying it again.
    pub(crate) fn seed<S: DeserializeSeed<'de>, E: de::Error>(
        self,
        seed: S,
    ) -> Result<S::Value, E> {
        match self {
            Key::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::<E>::new(key)),
            Key::Owned(key) => seed.deserialize(StringDeserializer::<E>::new(key)),
        }
    }
}

impl Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}
