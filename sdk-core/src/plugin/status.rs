//! The attempt status of a plugin call.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// Where a claim attempt stands, from the request's `_attemptStatus`.
///
/// BitBadges calls a plugin with [`Executing`](Self::Executing) while the claim
/// runs, and again with [`Success`](Self::Success) or
/// [`Failure`](Self::Failure) as a status webhook when it ends (if the plugin
/// asked for status webhooks). Values this version does not know are kept in
/// [`Other`](Self::Other).
///
/// ```
/// use claimkit::AttemptStatus;
///
/// assert_eq!(AttemptStatus::from("success"), AttemptStatus::Success);
/// assert_eq!(AttemptStatus::from("queued").as_str(), "queued");
/// assert!(AttemptStatus::Failure.is_final());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttemptStatus {
    /// `"executing"`: the claim is being decided now.
    Executing,
    /// `"success"`: a status webhook; the claim succeeded.
    Success,
    /// `"failure"`: a status webhook; the claim failed.
    Failure,
    /// Any other value, kept as sent.
    Other(Box<str>),
}

impl AttemptStatus {
    /// The value as it appears on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Executing => "executing",
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Other(other) => other,
        }
    }

    /// Whether the claim has ended: [`Success`](Self::Success) or
    /// [`Failure`](Self::Failure), i.e. the request is a status webhook.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Success | Self::Failure)
    }
}

impl From<&str> for AttemptStatus {
    fn from(value: &str) -> Self {
        match value {
            "executing" => Self::Executing,
            "success" => Self::Success,
            "failure" => Self::Failure,
            other => Self::Other(other.into()),
        }
    }
}

impl fmt::Display for AttemptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AttemptStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AttemptStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl Visitor<'_> for StatusVisitor {
            type Value = AttemptStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttemptStatus, E> {
                Ok(AttemptStatus::from(v))
            }
        }
        deserializer.deserialize_str(StatusVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values_round_trip() {
        for text in ["executing", "success", "failure", "pending-review"] {
            let status: AttemptStatus = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(status.as_str(), text);
            assert_eq!(status.to_string(), text);
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{text}\"")
            );
        }
        assert_eq!(
            AttemptStatus::from("pending-review"),
            AttemptStatus::Other("pending-review".into())
        );
        assert!(!AttemptStatus::Executing.is_final());
        assert!(AttemptStatus::Success.is_final());
        assert!(!AttemptStatus::from("other").is_final());
        assert!(serde_json::from_str::<AttemptStatus>("1").is_err());
    }
}
