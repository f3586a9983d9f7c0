//! Standard Webhooks `v1a` key pairs: a `whsk_` private key that signs and
//! its `whpk_` public key, for tests and the command line.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use base64::Engine as _;
use ed25519_dalek::ed25519::signature::MultipartSigner as _;
use ed25519_dalek::{SigningKey, SECRET_KEY_LENGTH};
use zeroize::Zeroizing;

use crate::signature::PublicKey;
use crate::{Error, ErrorKind};

/// An Ed25519 key pair for Standard Webhooks `v1a`: the sender signs with
/// the private key (`whsk_…`), receivers check with the public key
/// (`whpk_…`, a [`PublicKey`]).
///
/// A private key is written `whsk_` and the base64 of its 32-byte seed (RFC
/// 8032's private key, what Python's `cryptography` and OpenSSL call the
/// raw private key). The 64-byte form of libsodium and TweetNaCl (the seed,
/// then the public key) is read too, its public half checked.
///
/// The private key is zeroized on drop and redacted from `Debug`.
///
/// ```
/// use claimkit::signature::{PublicKey, StandardWebhooks, Verifier};
/// use claimkit::testing::{KeyPair, Signer};
///
/// let keys = KeyPair::generate();
/// assert!(keys.private_key().starts_with("whsk_"));
/// let public: PublicKey = keys.public_key().to_string().parse()?;
///
/// let verifier = StandardWebhooks::from_public_keys([public])?;
/// let signer = Signer::standard_ed25519(&keys.private_key())?;
/// let headers = signer.sign(b"{}");
/// assert!(headers[2].1.starts_with("v1a,"));
/// assert!(verifier.verify(&headers, b"{}").is_ok());
/// assert!(!format!("{keys:?}").contains(&keys.private_key()[5..]));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct KeyPair {
    signing: SigningKey,
}

impl KeyPair {
    /// The prefix of a Standard Webhooks private key.
    pub const PRIVATE_PREFIX: &'static str = "whsk_";

    /// A new key pair from the operating system's random number source.
    ///
    /// # Panics
    /// When the operating system has no random number source to read.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
        getrandom::fill(seed.as_mut()).expect("the operating system's random number source failed");
        Self {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// Reads a private key written `whsk_<base64>` (the prefix may be left
    /// out): a 32-byte seed, or 64 bytes, the seed then its public key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the text is not base64 of 32 or 64
    /// bytes, when the 64-byte form's public half does not belong to its
    /// seed, or when it is a `whpk_` public key. The message never holds the
    /// text.
    pub fn parse(private_key: &str) -> Result<Self, Error> {
        let text = private_key.trim();
        if text.starts_with(PublicKey::PREFIX) {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a `whpk_` public key cannot sign; signing takes the `whsk_` private key",
            ));
        }
        let encoded = text.strip_prefix(Self::PRIVATE_PREFIX).unwrap_or(text);
        let mut bytes = Zeroizing::new([0u8; 2 * SECRET_KEY_LENGTH + 1]);
        let invalid = || {
            Error::with_message(
                ErrorKind::InvalidConfig,
                "a Standard Webhooks private key must be `whsk_` and the base64 of 32 bytes \
                 (or 64: the seed, then its public key)",
            )
        };
        let len = STANDARD_PAD_INDIFFERENT
            .decode_slice(encoded.as_bytes(), bytes.as_mut())
            .map_err(|_| invalid())?;
        let mut seed = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
        seed.copy_from_slice(&bytes[..SECRET_KEY_LENGTH]);
        let signing = SigningKey::from_bytes(&seed);
        match len {
            SECRET_KEY_LENGTH => {}
            64 if bytes[SECRET_KEY_LENGTH..64] == signing.verifying_key().to_bytes() => {}
            64 => {
                return Err(Error::with_message(
                    ErrorKind::InvalidConfig,
                    "the public half of a 64-byte `whsk_` private key does not match its seed",
                ))
            }
            _ => return Err(invalid()),
        }
        Ok(Self { signing })
    }

    /// The private key, `whsk_` and the base64 of its 32-byte seed.
    pub fn private_key(&self) -> Zeroizing<String> {
        let seed = Zeroizing::new(self.signing.to_bytes());
        let mut text = Zeroizing::new(String::from(Self::PRIVATE_PREFIX));
        STANDARD.encode_string(seed.as_ref(), &mut text);
        text
    }

    /// The public key that checks this pair's signatures.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying_key(self.signing.verifying_key())
    }

    /// The Ed25519 signature of the concatenation of `parts`.
    pub(crate) fn sign(&self, parts: &[&[u8]]) -> [u8; 64] {
        self.signing.multipart_sign(parts).to_bytes()
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("public_key", &self.public_key())
            .field("private_key", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Python's `cryptography`: the seed bytes(range(32)) and its public key.
    const SK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const PK: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

    #[test]
    fn private_keys_read_in_both_lengths() {
        let keys = KeyPair::parse(SK).unwrap();
        assert_eq!(keys.public_key().to_string(), PK);
        assert_eq!(&*keys.private_key(), SK);
        assert_eq!(
            KeyPair::parse(&SK[5..]).unwrap().public_key().to_string(),
            PK
        );
        let mut long = STANDARD.decode(&SK[5..]).unwrap();
        long.extend_from_slice(&keys.public_key().to_bytes());
        let long = format!("whsk_{}", STANDARD.encode(&long));
        assert_eq!(KeyPair::parse(&long).unwrap().public_key().to_string(), PK);

        let mut mismatched = STANDARD.decode(&SK[5..]).unwrap();
        mismatched.extend_from_slice(&[9u8; 32]);
        let mismatched = format!("whsk_{}", STANDARD.encode(&mismatched));
        for bad in [PK, "whsk_AAEC", "whsk_!!", mismatched.as_str()] {
            let err = KeyPair::parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(!err.to_string().contains(&bad[5..]));
        }
    }

    #[test]
    fn generated_pairs_differ() {
        let (a, b) = (KeyPair::generate(), KeyPair::generate());
        assert_ne!(a.public_key(), b.public_key());
        let again = KeyPair::parse(&a.private_key()).unwrap();
        assert_eq!(again.public_key(), a.public_key());
    }
}
