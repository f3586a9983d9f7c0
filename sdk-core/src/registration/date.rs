//! The platform's `date` input: UNIX milliseconds.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// The JSON Schema `format` that marks a number as a `date` input.
pub const UNIX_MILLIS_FORMAT: &str = "unix-millis";

/// A `date` input: a point in time as UNIX milliseconds, the way the
/// platform sends it (a JSON number; decimal text in a `GET` query).
///
/// In an inputs type, a field of this type becomes an input of type
/// `date`; a plain integer becomes a `number`.
///
/// ```
/// use claimkit::registration::UnixMillis;
///
/// let at: UnixMillis = serde_json::from_str("1800000000000")?;
/// assert_eq!(at.as_millis(), 1_800_000_000_000);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// The milliseconds since the UNIX epoch.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// The point in time.
    pub fn to_system_time(self) -> std::time::SystemTime {
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(self.0)
    }
}

impl JsonSchema for UnixMillis {
    fn schema_name() -> Cow<'static, str> {
        "UnixMillis".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "format": UNIX_MILLIS_FORMAT,
            "minimum": 0,
        })
    }
}
