//! HMAC-SHA256 keys, prepared once, and constant-time matching.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::encoding::Tag;
use crate::{Error, ErrorKind, SecretMatch, Secrets};

type HmacSha256 = Hmac<Sha256>;

/// The accepted keys, current first, each with its HMAC state prepared:
/// the key is hashed into the inner and outer pads once, at construction,
/// and each delivery starts from a copy of that state.
#[derive(Clone)]
pub(crate) struct Keys(Arc<[HmacSha256]>);

impl Keys {
    /// Prepares every key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when a key is empty.
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k [u8]>) -> Result<Self, Error> {
        let prepared = keys
            .into_iter()
            .map(|key| {
                if key.is_empty() {
                    return Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        "a signing key must not be empty",
                    ));
                }
                HmacSha256::new_from_slice(key).map_err(|_| {
                    Error::with_message(ErrorKind::InvalidConfig, "invalid signing key")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if prepared.is_empty() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "at least one signing key is needed",
            ));
        }
        Ok(Self(prepared.into()))
    }

    /// Prepares the key of every accepted secret. Infallible: a
    /// [`Secrets`] is never empty and HMAC takes keys of any length.
    pub(crate) fn from_secrets(secrets: &Secrets) -> Self {
        Self(
            secrets
                .iter()
                .map(|secret| {
                    HmacSha256::new_from_slice(secret.expose())
                        .expect("HMAC takes keys of any length")
                })
                .collect(),
        )
    }

    /// How many keys are accepted.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The first key whose tag over `parts` (concatenated) satisfies
    /// `matches`. Every key's tag is computed and tested, whatever the
    /// outcome, so the time taken does not tell which key matched.
    pub(crate) fn find(
        &self,
        parts: &[&[u8]],
        mut matches: impl FnMut(&Tag) -> Choice,
    ) -> Option<SecretMatch> {
        let mut found = Choice::from(0);
        let mut index = 0u64;
        for (i, key) in self.0.iter().enumerate() {
            let eq = matches(&tag(key, parts));
            index.conditional_assign(&(i as u64), eq & !found);
            found |= eq;
        }
        bool::from(found).then(|| SecretMatch::new(index as usize))
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[REDACTED; {}]", self.len())
    }
}

/// The tag of `parts` under a prepared key. The parts are hashed where they
/// lie, never copied.
fn tag(key: &HmacSha256, parts: &[&[u8]]) -> Tag {
    let mut mac = key.clone();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `candidate` equals `tag`, in constant time.
pub(crate) fn tag_eq(tag: &Tag, candidate: &Tag) -> Choice {
    tag[..].ct_eq(&candidate[..])
}

/// The tag of `parts` under a raw key, for signing in tests.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn sign(key: &[u8], parts: &[&[u8]]) -> Tag {
    // HMAC accepts keys of any length, the empty one included.
    let key = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    tag(&key, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prepared_and_redacted() {
        assert_eq!(
            Keys::new([&b""[..]]).unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
        assert!(Keys::new(std::iter::empty()).is_err());
        let keys = Keys::new([&b"one"[..], b"two"]).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(format!("{keys:?}"), "[REDACTED; 2]");
    }

    #[test]
    fn find_reports_the_first_matching_key() {
        let keys = Keys::new([&b"one"[..], b"two", b"two"]).unwrap();
        let expected = sign(b"two", &[b"hello ", b"world"]);
        let found = keys.find(&[b"hello world"], |tag| tag_eq(tag, &expected));
        assert_eq!(found.map(SecretMatch::index), Some(1));
        let none = keys.find(&[b"hello"], |tag| tag_eq(tag, &expected));
        assert_eq!(none, None);
    }

    #[test]
    fn the_github_known_answer() {
        let tag = sign(b"It's a Secret to Everybody", &[b"Hello, World!"]);
        assert_eq!(
            super::super::Encoding::Hex.encode(&tag),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }
}
