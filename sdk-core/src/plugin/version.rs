//! The `version` context field, sent as a string or as a number.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// The plugin version a claim uses: the `version` context field.
///
/// The platform's examples send it as a string (`"0"`, every curl example)
/// and as a number (`0`, the 2026 developer docs). Both read as the same
/// text, [`as_str`](Self::as_str); [`is_number`](Self::is_number) says which
/// form arrived, and serializing writes that form back.
///
/// ```
/// use claimkit::{Context, Version};
///
/// let text: Context = serde_json::from_str(r#"{"version": "0"}"#)?;
/// let number: Context = serde_json::from_str(r#"{"version": 0}"#)?;
/// assert_eq!(text.version(), Some("0"));
/// assert_eq!(number.version(), Some("0"));
/// assert!(number.version.as_ref().is_some_and(Version::is_number));
/// assert_eq!(serde_json::to_string(&number)?, r#"{"version":0}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    text: String,
    number: bool,
}

impl Version {
    /// A version sent as a string.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            number: false,
        }
    }

    /// A version sent as a JSON number.
    pub fn number(number: u64) -> Self {
        Self {
            text: number.to_string(),
            number: true,
        }
    }

    /// The version as text, whichever form it was sent in.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the version was sent as a JSON number.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<&str> for Version {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for Version {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.number {
            if let Ok(number) = self.text.parse::<serde_json::Number>() {
                return number.serialize(serializer);
            }
        }
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionVisitor;
        impl Visitor<'_> for VersionVisitor {
            type Value = Version;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Version, E> {
                Ok(Version::text(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Version, E> {
                Ok(Version::text(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Version, E> {
                Ok(Version::number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version, E> {
                Ok(Version {
                    text: v.to_string(),
                    number: true,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Version, E> {
                match serde_json::Number::from_f64(v) {
                    Some(number) => Ok(Version {
                        text: number.to_string(),
                        number: true,
                    }),
                    None => Err(E::invalid_value(de::Unexpected::Float(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(VersionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_as_text_and_write_back_as_sent() {
        for (json, text, number) in [
            (r#""0""#, "0", false),
            ("0", "0", true),
            ("3", "3", true),
            ("-1", "-1", true),
            ("1.5", "1.5", true),
            (r#""v2""#, "v2", false),
        ] {
            let version: Version = serde_json::from_str(json).unwrap();
            assert_eq!(version.as_str(), text, "{json}");
            assert_eq!(version.is_number(), number, "{json}");
            assert_eq!(serde_json::to_string(&version).unwrap(), json);
        }
        assert!(serde_json::from_str::<Version>("true").is_err());
        assert!(serde_json::from_str::<Version>("{}").is_err());
        assert_eq!(Version::from("7").to_string(), "7");
    }
}
