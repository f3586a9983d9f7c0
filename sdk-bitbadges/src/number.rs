//! Numbers the API may send as JSON numbers or as decimal strings (its
//! `NumberType`).

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Number(u64),
    Text(String),
}

fn parse<E: serde::de::Error>(wire: Wire) -> Result<u64, E> {
    match wire {
        Wire::Number(number) => Ok(number),
        Wire::Text(text) => text
            .parse()
            .map_err(|_| E::custom("expected a non-negative integer or a decimal string of one")),
    }
}

/// A number that must be there.
pub(crate) fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    parse(Wire::deserialize(deserializer)?)
}

/// A number that may be absent or `null`.
pub(crate) fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    Option::<Wire>::deserialize(deserializer)?
        .map(parse)
        .transpose()
}
