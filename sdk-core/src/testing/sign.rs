//! Webhooks signed the way their senders sign them, correctly or with a
//! chosen fault.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use super::KeyPair;
use crate::signature::{
    decode_base64_key, hmac_sha256, Encoding, HmacScheme, IdSource, SignedContent, V1, V1A, WEBHOOK,
};
use crate::store::random_token;
use crate::{Error, ErrorKind};

/// A deliberate mistake in a signed delivery, to test that it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Signed with a key other than the one given.
    WrongSecret,
    /// One bit of the signature's bytes flipped; still well-formed.
    FlippedByte,
    /// The signature's text cut to half its length.
    Truncated,
    /// No signature after its tag: `v1,` (`v1a,`) alone for Standard Webhooks,
    /// `t=…,v1=` for Stripe, the prefix alone (or nothing) otherwise.
    EmptySignature,
    /// Correctly signed, but with a timestamp an hour older than the chosen
    /// one. Schemes that sign no timestamp are unaffected.
    StaleTimestamp,
}

/// Signs webhook deliveries for a scheme, for tests and the command line.
///
/// The delivery id and timestamp default to a random id and the current
/// time; choose them to get a reproducible signature.
///
/// ```
/// use claimkit::signature::{FixedClock, StandardWebhooks, Verifier};
/// use claimkit::testing::{Fault, Signer};
/// use claimkit::{ErrorKind, Secret};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let signer = Signer::standard(secret)?
///     .with_id("msg_p5jXN8AQM9LWM0D4loKWxJek")
///     .with_timestamp(1_614_265_330);
/// let body = br#"{"test": 2432232314}"#;
/// let headers = signer.sign(body);
/// assert_eq!(headers[2], (
///     "webhook-signature".to_owned(),
///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned(),
/// ));
///
/// let verifier = StandardWebhooks::new(Secret::new(secret)?)?
///     .with_clock(FixedClock::at_unix(1_614_265_330));
/// assert!(verifier.verify(&headers, body).is_ok());
///
/// let forged = signer.with_fault(Fault::WrongSecret).sign(body);
/// assert_eq!(verifier.verify(&forged, body).unwrap_err().kind(), ErrorKind::InvalidSignature);
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    scheme: Option<HmacScheme>,
    key: Zeroizing<Vec<u8>>,
    /// Set for Standard Webhooks `v1a`: the key pair that signs.
    ed25519: Option<KeyPair>,
    id: Option<String>,
    timestamp: Option<u64>,
    fault: Option<Fault>,
}

impl Signer {
    /// Signs Standard Webhooks v1 deliveries with a secret written
    /// `whsec_<base64>` (or the base64 alone).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the secret is not base64 or holds
    /// an empty key.
    pub fn standard(secret: &str) -> Result<Self, Error> {
        let text = secret.strip_prefix("whsec_").unwrap_or(secret);
        match decode_base64_key(text.as_bytes()) {
            Some(key) if !key.is_empty() => Ok(Self::new(None, key)),
            _ => Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a Standard Webhooks secret must be `whsec_` and base64",
            )),
        }
    }

    /// Signs Standard Webhooks `v1a` (Ed25519) deliveries with a private
    /// key written `whsk_<base64>` (see [`KeyPair::parse`]).
    ///
    /// [`Fault::WrongSecret`] signs with another key pair.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the private key cannot be read.
    pub fn standard_ed25519(private_key: &str) -> Result<Self, Error> {
        let mut signer = Self::new(None, Vec::new());
        signer.ed25519 = Some(KeyPair::parse(private_key)?);
        Ok(signer)
    }

    /// Signs deliveries for an HMAC `scheme`, with the secret's bytes as the
    /// key.
    pub fn hmac(scheme: HmacScheme, secret: impl AsRef<[u8]>) -> Self {
        let scheme = scheme.clone().normalized().unwrap_or(scheme);
        Self::new(Some(scheme), secret.as_ref().to_vec())
    }

    /// [`hmac`](Self::hmac) with [`HmacScheme::github`].
    pub fn github(secret: impl AsRef<[u8]>) -> Self {
        Self::hmac(HmacScheme::github(), secret)
    }

    /// [`hmac`](Self::hmac) with [`HmacScheme::stripe`].
    pub fn stripe(secret: impl AsRef<[u8]>) -> Self {
        Self::hmac(HmacScheme::stripe(), secret)
    }

    /// [`hmac`](Self::hmac) with [`HmacScheme::slack`].
    pub fn slack(secret: impl AsRef<[u8]>) -> Self {
        Self::hmac(HmacScheme::slack(), secret)
    }

    /// [`hmac`](Self::hmac) with [`HmacScheme::claimr`]; the delivery id is
    /// the body's `id`, so [`with_id`](Self::with_id) has no effect.
    pub fn claimr(secret: impl AsRef<[u8]>) -> Self {
        Self::hmac(HmacScheme::claimr(), secret)
    }

    fn new(scheme: Option<HmacScheme>, key: Vec<u8>) -> Self {
        Self {
            scheme,
            key: Zeroizing::new(key),
            ed25519: None,
            id: None,
            timestamp: None,
            fault: None,
        }
    }

    /// Uses `id` as the delivery id, for schemes that carry one in a header.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Signs at `unix` seconds instead of now.
    pub fn with_timestamp(mut self, unix: u64) -> Self {
        self.timestamp = Some(unix);
        self
    }

    /// Introduces `fault` into every signature.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// The headers of a delivery of `body`: the signature header, and the id
    /// and timestamp headers where the scheme has them. Names are lowercase.
    pub fn sign(&self, body: &[u8]) -> Vec<(String, String)> {
        let timestamp = self.signed_timestamp().to_string();
        let id = self
            .id
            .clone()
            .unwrap_or_else(|| format!("msg_{}", random_token()));
        let Some(scheme) = &self.scheme else {
            let parts: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
            let signature = match &self.ed25519 {
                Some(keys) => {
                    let mut signature = match self.fault {
                        Some(Fault::WrongSecret) => KeyPair::generate().sign(&parts),
                        _ => keys.sign(&parts),
                    };
                    if self.fault == Some(Fault::FlippedByte) {
                        signature[0] ^= 0x01;
                    }
                    format!("{V1A}{}", self.written(&signature, Encoding::Base64))
                }
                None => {
                    let tag = self.tag(&parts);
                    format!("{V1}{}", self.written(&tag, Encoding::Base64))
                }
            };
            return vec![
                (WEBHOOK.id.to_owned(), id),
                (WEBHOOK.timestamp.to_owned(), timestamp),
                (WEBHOOK.signature.to_owned(), signature),
            ];
        };
        let content = scheme.content();
        let tag = self.tag(&content.parts(&timestamp, body));
        let written = self.written(&tag, scheme.encoding());
        let signature = match content {
            SignedContent::StripeHeader => format!("t={timestamp},v1={written}"),
            _ => format!("{}{written}", scheme.prefix().unwrap_or("")),
        };
        let mut headers = vec![(scheme.header().to_owned(), signature)];
        if let Some(name) = content.timestamp_header() {
            headers.push((name.to_owned(), timestamp));
        }
        if let IdSource::Header(name) = scheme.delivery_id() {
            headers.push((name.to_string(), id));
        }
        headers
    }

    /// The timestamp that goes into the delivery.
    fn signed_timestamp(&self) -> u64 {
        let chosen = self.timestamp.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs())
        });
        match self.fault {
            Some(Fault::StaleTimestamp) => chosen.saturating_sub(3600),
            _ => chosen,
        }
    }

    fn tag(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut tag = if self.fault == Some(Fault::WrongSecret) {
            let mut wrong = Zeroizing::new(self.key.to_vec());
            wrong.extend_from_slice(b"-wrong");
            hmac_sha256(&wrong, parts)
        } else {
            hmac_sha256(&self.key, parts)
        };
        if self.fault == Some(Fault::FlippedByte) {
            tag[0] ^= 0x01;
        }
        tag
    }

    fn written(&self, signature: &[u8], encoding: Encoding) -> String {
        let mut text = encoding.encode(signature);
        match self.fault {
            Some(Fault::Truncated) => text.truncate(text.len() / 2),
            Some(Fault::EmptySignature) => text.clear(),
            _ => {}
        }
        text
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme)
            .field("key", &"[REDACTED]")
            .field("ed25519", &self.ed25519)
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("fault", &self.fault)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{FixedClock, HmacVerifier, StandardWebhooks, Verifier};
    use crate::Secret;

    #[test]
    fn github_headers_carry_the_delivery_id() {
        let headers = Signer::github("It's a Secret to Everybody")
            .with_id("d-1")
            .sign(b"Hello, World!");
        assert_eq!(
            headers,
            [
                (
                    "x-hub-signature-256".to_owned(),
                    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
                        .to_owned()
                ),
                ("x-github-delivery".to_owned(), "d-1".to_owned()),
            ]
        );
    }

    #[test]
    fn every_fault_is_refused_and_defaults_verify() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let verifier = StandardWebhooks::new(Secret::new(secret).unwrap()).unwrap();
        let signer = Signer::standard(secret).unwrap();
        // Random id, current time.
        assert!(verifier.verify(&signer.sign(b"{}"), b"{}").is_ok());
        for fault in [
            Fault::WrongSecret,
            Fault::FlippedByte,
            Fault::Truncated,
            Fault::EmptySignature,
            Fault::StaleTimestamp,
        ] {
            let headers = signer.clone().with_fault(fault).sign(b"{}");
            assert!(verifier.verify(&headers, b"{}").is_err(), "{fault:?}");
        }
        let empty = signer.with_fault(Fault::EmptySignature).sign(b"{}");
        assert_eq!(empty[2].1, "v1,");
    }

    #[test]
    fn stripe_signs_the_timestamp_in_its_header() {
        let headers = Signer::stripe("whsec_test")
            .with_timestamp(1_700_000_000)
            .with_fault(Fault::EmptySignature)
            .sign(b"{}");
        assert_eq!(headers[0].1, "t=1700000000,v1=");
        let verifier = HmacVerifier::new(HmacScheme::stripe(), Secret::new("whsec_test").unwrap())
            .unwrap()
            .with_clock(FixedClock::at_unix(1_700_000_000));
        let good = Signer::stripe("whsec_test")
            .with_timestamp(1_700_000_000)
            .sign(b"{}");
        assert!(verifier.verify(&good, b"{}").is_ok());
    }

    #[test]
    fn every_v1a_fault_is_refused_and_defaults_verify() {
        let keys = KeyPair::generate();
        let verifier = StandardWebhooks::from_public_keys([keys.public_key()]).unwrap();
        let signer = Signer::standard_ed25519(&keys.private_key()).unwrap();
        assert!(verifier.verify(&signer.sign(b"{}"), b"{}").is_ok());
        for fault in [
            Fault::WrongSecret,
            Fault::FlippedByte,
            Fault::Truncated,
            Fault::EmptySignature,
            Fault::StaleTimestamp,
        ] {
            let headers = signer.clone().with_fault(fault).sign(b"{}");
            assert!(headers[2].1.starts_with("v1a,"), "{fault:?}");
            assert!(verifier.verify(&headers, b"{}").is_err(), "{fault:?}");
        }
        let empty = signer.with_fault(Fault::EmptySignature).sign(b"{}");
        assert_eq!(empty[2].1, "v1a,");
    }

    #[test]
    fn the_v1a_known_answer() {
        // Python's `cryptography`, as in tests/signature_v1a.rs.
        let signer = Signer::standard_ed25519("whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
            .unwrap()
            .with_id("msg_p5jXN8AQM9LWM0D4loKWxJek")
            .with_timestamp(1_614_265_330);
        assert_eq!(
            signer.sign(br#"{"test": 2432232314}"#)[2].1,
            "v1a,yoUrgEkc12aGqm0n4Sydmdz55xJfTz4AsAgieHFjmkR7LJtqVCZOQYzvvHjI5kAey+r4iaBGxTFRrl2iBQxtDQ=="
        );
        assert!(!format!("{signer:?}").contains("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));
    }

    #[test]
    fn bad_standard_secrets_and_redaction() {
        assert!(Signer::standard("whsec_").is_err());
        assert!(Signer::standard("whsec_!!").is_err());
        let signer = Signer::slack("hunter2-slack");
        assert!(!format!("{signer:?}").contains("hunter2"));
    }
}
