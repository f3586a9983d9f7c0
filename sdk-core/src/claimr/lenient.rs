//! Deserializers that accept a number where text is expected, and the
//! other way round: claimr's documentation shows ids as strings, but
//! nothing promises they stay so.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde_json::Number;

/// Text, or a number written as text; `null` is `None`.
pub(super) fn string<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    de.deserialize_any(Text)
}

/// A number, or a number written as text; `null` and `""` are `None`.
pub(super) fn number<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Number>, D::Error> {
    struct Num;
    impl Visitor<'_> for Num {
        type Value = Option<Number>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a string holding one")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            serde_json::from_str::<Number>(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Other("non-numeric text"), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.into()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.into()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Number::from_f64(v)
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    de.deserialize_any(Num)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "super::number")]
        n: Option<serde_json::Number>,
    }

    fn t(value: serde_json::Value) -> Result<T, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn text_and_numbers_both_ways() {
        let v = t(json!({"s": 12, "n": "12"})).unwrap();
        assert_eq!(v.s.as_deref(), Some("12"));
        assert_eq!(v.n.unwrap().as_u64(), Some(12));
        let v = t(json!({"s": "a", "n": 1.5})).unwrap();
        assert_eq!(v.s.as_deref(), Some("a"));
        assert_eq!(v.n.unwrap().as_f64(), Some(1.5));
        let v = t(json!({"s": null, "n": null})).unwrap();
        assert!(v.s.is_none() && v.n.is_none());
        let v = t(json!({"s": -3, "n": " -2.5 "})).unwrap();
        assert_eq!(v.s.as_deref(), Some("-3"));
        assert_eq!(v.n.unwrap().as_f64(), Some(-2.5));
        assert!(t(json!({})).unwrap().n.is_none());
        assert!(t(json!({"n": ""})).unwrap().n.is_none());
        assert!(t(json!({"n": "ten"})).is_err());
        assert!(t(json!({"s": [1]})).is_err());
    }
}
