//! Standard Webhooks `v1a` public keys (`whpk_…`), parsed once, and the
//! Ed25519 check of a signature against them.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::ed25519::signature::MultipartVerifier as _;
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH};

use crate::{Error, ErrorKind, SecretMatch};

/// A Standard Webhooks public key: the Ed25519 key that checks `v1a`
/// signatures, written `whpk_` and the base64 of its 32 bytes.
///
/// The sender keeps the matching private key (`whsk_…`); a receiver that
/// holds only public keys can check deliveries but never forge one, so a
/// key that leaks from a log or a configuration file forges nothing.
///
/// Parsing is strict, once, when the receiver starts: the `whpk_` prefix,
/// standard base64 of exactly 32 bytes (padding optional), a point on the
/// curve, and not one of the small-order ("weak") points a forger could
/// pick to make one signature pass for many messages. A `whsk_` private
/// key given by mistake is refused with a message that says so, and never
/// echoed.
///
/// ```
/// use claimkit::signature::PublicKey;
///
/// let key: PublicKey = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=".parse()?;
/// assert_eq!(key.to_string(), "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=");
///
/// let err = PublicKey::parse("whsk_AAAA").unwrap_err();
/// assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig);
/// assert!(!err.to_string().contains("AAAA"));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// The prefix of a Standard Webhooks public key.
    pub const PREFIX: &'static str = "whpk_";

    /// Reads a key written `whpk_<base64 of 32 bytes>`; surrounding
    /// whitespace is ignored.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the prefix is missing (or is the
    /// private key's `whsk_`), the rest is not base64 of 32 bytes, or the
    /// bytes are not a usable Ed25519 public key. The message never holds
    /// the text.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let Some(encoded) = text.strip_prefix(Self::PREFIX) else {
            let message = if text.starts_with("whsk_") {
                "a `whsk_` private key was given where a `whpk_` public key belongs; \
                 a receiver needs only the public key, keep the private one with the sender"
            } else if text.starts_with("whsec_") {
                "a `whsec_` (v1, HMAC) secret was given where a `whpk_` public key belongs"
            } else {
                "a Standard Webhooks public key must start with `whpk_`"
            };
            return Err(Error::with_message(ErrorKind::InvalidConfig, message));
        };
        let mut bytes = [0u8; PUBLIC_KEY_LENGTH + 1];
        let decoded = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT
            .decode_slice(encoded.as_bytes(), &mut bytes);
        if decoded != Ok(PUBLIC_KEY_LENGTH) {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a `whpk_` public key must be the base64 of exactly 32 bytes",
            ));
        }
        let mut key = [0u8; PUBLIC_KEY_LENGTH];
        key.copy_from_slice(&bytes[..PUBLIC_KEY_LENGTH]);
        Self::from_bytes(&key)
    }

    /// The key from its 32 raw bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the bytes are not the encoding of
    /// a point on the curve, or encode a small-order (weak) point.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_LENGTH]) -> Result<Self, Error> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| {
            Error::with_message(
                ErrorKind::InvalidConfig,
                "a `whpk_` public key is not a valid Ed25519 public key",
            )
        })?;
        if key.is_weak() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a `whpk_` public key is a small-order point, which would accept forgeries",
            ));
        }
        Ok(Self(key))
    }

    /// The public key of a private key, which is never of small order.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn from_verifying_key(key: VerifyingKey) -> Self {
        Self(key)
    }

    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LENGTH] {
        self.0.to_bytes()
    }

    /// Reads a comma-separated list of keys, such as the value of a
    /// `WEBHOOK_PUBLIC_KEYS` variable, current first. Blank entries are
    /// skipped.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when an entry is not a key
    /// ([`parse`](Self::parse)) or the list holds none.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, Error> {
        let keys = text
            .split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "at least one `whpk_` public key is needed",
            ));
        }
        Ok(keys)
    }

    /// Whether `signature` signs the concatenation of `parts` under this
    /// key, by the rules of [`PublicKeys`].
    fn verifies(&self, parts: &[&[u8]], signature: &Signature) -> bool {
        self.0.multipart_verify(parts, signature).is_ok()
    }
}

impl FromStr for PublicKey {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

/// Writes the key as `whpk_<base64>`: a public key is not a secret.
impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, STANDARD.encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicKey").field(&self.to_string()).finish()
    }
}

/// The accepted public keys, current first.
///
/// A signature passes under a key when all of these hold (the rules of
/// `ed25519-dalek`'s `verify_strict`):
/// - it is 64 bytes, `R ‖ S`;
/// - `S` is a canonical scalar, below the group order `ℓ` (a signature
///   with `S + ℓ` in its place is refused: no second signature for free);
/// - `R` is the canonical encoding of a point that is not of small order;
/// - the key is not of small order (refused once, when it is parsed);
/// - `[S]B = R + [k]A` with `k = SHA-512(R ‖ A ‖ message)`, `R` compared
///   as its canonical encoding (cofactorless, as RFC 8032 permits).
///
/// The message is hashed in its parts, where it lies: the body is never
/// copied.
#[derive(Clone)]
pub(crate) struct PublicKeys(Arc<[PublicKey]>);

impl PublicKeys {
    pub(crate) fn new(keys: impl IntoIterator<Item = PublicKey>) -> Self {
        Self(keys.into_iter().collect())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The first key under which one of `signatures` signs `parts`, or
    /// `None`. A signature whose `R` is not a point, or is of small order,
    /// is skipped before any key is tried.
    pub(crate) fn find(
        &self,
        parts: &[&[u8]],
        signatures: impl Iterator<Item = [u8; SIGNATURE_LENGTH]>,
    ) -> Option<SecretMatch> {
        for bytes in signatures {
            if !strict_r(&bytes) {
                continue;
            }
            let signature = Signature::from_bytes(&bytes);
            if let Some(index) = self
                .0
                .iter()
                .position(|key| key.verifies(parts, &signature))
            {
                return Some(SecretMatch::new(index));
            }
        }
        None
    }
}

/// Whether a signature's `R` decompresses to a point that is not of small
/// order: the check `verify_strict` adds to the ordinary one. `R` has the
/// same encoding as a public key, so the key's parser reads it.
fn strict_r(signature: &[u8; SIGNATURE_LENGTH]) -> bool {
    let mut r = [0u8; PUBLIC_KEY_LENGTH];
    r.copy_from_slice(&signature[..PUBLIC_KEY_LENGTH]);
    VerifyingKey::from_bytes(&r).is_ok_and(|point| !point.is_weak())
}

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{} public keys]", self.len())
    }
}
