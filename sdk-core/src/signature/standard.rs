//! Standard Webhooks `v1` (HMAC-SHA256) and `v1a` (Ed25519), the scheme
//! Svix and many senders use.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use subtle::Choice;

use super::encoding::{decode_base64_key, decode_ed25519_signature, Encoding};
use super::headers::required_header;
use super::keys::{tag_eq, Keys};
use super::public_key::PublicKeys;
use super::timestamp::parse_unix;
use super::{Clock, Headers, PublicKey, SystemClock, Tolerance, Verified, Verifier};
use crate::{Error, ErrorKind, SecretMatch, Secrets};

/// The names of the three headers, in one of the two spellings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderNames {
    pub(crate) id: &'static str,
    pub(crate) timestamp: &'static str,
    pub(crate) signature: &'static str,
}

/// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
pub(crate) const WEBHOOK: HeaderNames = HeaderNames {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};

/// `svix-id`, `svix-timestamp`, `svix-signature`.
pub(crate) const SVIX: HeaderNames = HeaderNames {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

/// The version tag of an HMAC-SHA256 signature.
pub(crate) const V1: &str = "v1,";

/// The version tag of an Ed25519 signature.
pub(crate) const V1A: &str = "v1a,";

/// A verifier for [Standard Webhooks] signatures: `v1` (HMAC-SHA256, with
/// a shared `whsec_` secret) and `v1a` (Ed25519, with the sender's `whpk_`
/// public keys).
///
/// A delivery carries `webhook-id`, `webhook-timestamp` (UNIX seconds) and
/// `webhook-signature` (Svix sends the same as `svix-id`, `svix-timestamp`
/// and `svix-signature`; both spellings are read, `webhook-` first). What is
/// signed is `{id}.{timestamp}.{body}` over the exact body bytes:
///
/// - `v1,` and the base64 HMAC-SHA256 tag, checked against the accepted
///   secrets ([`new`](Self::new));
/// - `v1a,` and the base64 Ed25519 signature (64 bytes), checked against the
///   accepted public keys ([`from_public_keys`](Self::from_public_keys),
///   [`with_public_keys`](Self::with_public_keys)).
///
/// The signature header may hold several space-separated signatures, of
/// either version, for a sender rotating its keys or moving from `v1` to
/// `v1a`: any one that matches a secret or a public key this verifier holds
/// passes. A signature of a version it holds no key for is ignored; when
/// nothing matches for that reason, the log says so (a `warn` event), the
/// answer does not.
///
/// A receiver holding only public keys holds nothing that can sign: a
/// leaked configuration forges no delivery. It refuses `v1` signatures,
/// since it cannot check them.
///
/// The `webhook-id` is the same on every retry: it is the
/// [delivery id](Verified::delivery_id) to deduplicate on
/// ([`replay`](super::replay)).
///
/// [Standard Webhooks]: https://www.standardwebhooks.com
///
/// ```
/// use claimkit::signature::{FixedClock, StandardWebhooks, Verifier};
/// use claimkit::{ErrorKind, Secret};
///
/// let verifier = StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?
///     .with_clock(FixedClock::at_unix(1_614_265_330));
///
/// let headers = [
///     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
///     ("webhook-timestamp", "1614265330"),
///     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
/// ];
/// let verified = verifier.verify(&headers, br#"{"test": 2432232314}"#)?;
/// assert_eq!(verified.delivery_id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
///
/// let forged = verifier.verify(&headers, br#"{"test": 1}"#).unwrap_err();
/// assert_eq!(forged.kind(), ErrorKind::InvalidSignature);
/// # Ok::<(), claimkit::Error>(())
/// ```
///
/// With the sender's public key (`v1a`):
///
/// ```
/// use claimkit::signature::{FixedClock, PublicKey, StandardWebhooks, Verifier};
///
/// let key = PublicKey::parse("whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=")?;
/// let verifier = StandardWebhooks::from_public_keys([key])?
///     .with_clock(FixedClock::at_unix(1_614_265_330));
///
/// let headers = [
///     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
///     ("webhook-timestamp", "1614265330"),
///     ("webhook-signature", "v1a,yoUrgEkc12aGqm0n4Sydmdz55xJfTz4AsAgieHFjmkR7LJtqVCZOQYzvvHjI5kAey+r4iaBGxTFRrl2iBQxtDQ=="),
/// ];
/// let verified = verifier.verify(&headers, br#"{"test": 2432232314}"#)?;
/// assert!(verified.secret().is_current());
/// assert!(verifier.verify(&headers, br#"{"test": 1}"#).is_err());
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct StandardWebhooks {
    keys: Option<Keys>,
    public_keys: PublicKeys,
    tolerance: Tolerance,
    clock: Arc<dyn Clock>,
}

impl StandardWebhooks {
    /// The prefix of a Standard Webhooks secret: `whsec_` then the key in
    /// base64.
    pub const SECRET_PREFIX: &'static str = "whsec_";

    /// A verifier accepting `secrets`, current first, each written the
    /// Standard Webhooks way: `whsec_` and the key in base64, or the base64
    /// alone.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when a secret is not base64 or holds an
    /// empty key (`whsec_` alone).
    pub fn new(secrets: impl Into<Secrets>) -> Result<Self, Error> {
        let secrets = secrets.into();
        let keys = secrets
            .iter()
            .map(|secret| {
                let text = secret.expose();
                let text = text
                    .strip_prefix(Self::SECRET_PREFIX.as_bytes())
                    .unwrap_or(text);
                decode_base64_key(text).ok_or_else(|| {
                    Error::with_message(
                        ErrorKind::InvalidConfig,
                        "a Standard Webhooks secret must be `whsec_` and base64",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let keys = zeroize::Zeroizing::new(keys);
        Self::from_keys(Keys::new(keys.iter().map(Vec::as_slice))?)
    }

    /// A verifier whose secrets are the raw key bytes, not base64.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when a key is empty, which a
    /// [`Secret`](crate::Secret) never is.
    pub fn from_raw_keys(keys: impl Into<Secrets>) -> Result<Self, Error> {
        let keys = keys.into();
        Self::from_keys(Keys::new(keys.iter().map(|key| key.expose()))?)
    }

    fn from_keys(keys: Keys) -> Result<Self, Error> {
        Ok(Self {
            keys: Some(keys),
            public_keys: PublicKeys::new([]),
            tolerance: Tolerance::DEFAULT,
            clock: Arc::new(SystemClock),
        })
    }

    /// A verifier of `v1a` (Ed25519) signatures only, accepting the
    /// sender's public `keys`, current first (see [`PublicKey`], and
    /// [`PublicKey::parse_list`] for a comma-separated list).
    ///
    /// It holds no secret: it refuses `v1` (HMAC) signatures, and logs why.
    /// A match's [`SecretMatch::index`] is the key's position in `keys`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when `keys` is empty.
    pub fn from_public_keys(keys: impl IntoIterator<Item = PublicKey>) -> Result<Self, Error> {
        let public_keys = PublicKeys::new(keys);
        if public_keys.is_empty() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "at least one `whpk_` public key is needed",
            ));
        }
        Ok(Self {
            keys: None,
            public_keys,
            tolerance: Tolerance::DEFAULT,
            clock: Arc::new(SystemClock),
        })
    }

    /// Also accepts `v1a` signatures under the public `keys`, current
    /// first, beside the `v1` secrets this verifier holds: for a sender
    /// moving from `v1` to `v1a`, or signing with both. Replaces any public
    /// keys given before.
    ///
    /// Public keys are numbered after the secrets: with two secrets, a
    /// delivery that matches the first public key has
    /// [`SecretMatch::index`] `2`.
    pub fn with_public_keys(mut self, keys: impl IntoIterator<Item = PublicKey>) -> Self {
        self.public_keys = PublicKeys::new(keys);
        self
    }

    /// Accepts signed timestamps within `tolerance` of the clock (default:
    /// five minutes each way).
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The accepted distance between signed timestamps and the clock.
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }
}

impl Verifier for StandardWebhooks {
    fn verify<'a, H: Headers + ?Sized>(
        &self,
        headers: &'a H,
        body: &'a [u8],
    ) -> Result<Verified<'a>, Error> {
        let names = if headers.get_all(WEBHOOK.signature).next().is_some() {
            WEBHOOK
        } else {
            SVIX
        };
        let id = required_header(headers, names.id, "missing webhook id header")?;
        let timestamp =
            required_header(headers, names.timestamp, "missing webhook timestamp header")?;
        let signatures =
            required_header(headers, names.signature, "missing webhook signature header")?;
        let unix = parse_unix(timestamp)?;
        self.tolerance.check(self.clock.now(), unix)?;

        let parts: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
        match self.matching(&parts, signatures) {
            Some(secret) => Ok(Verified::new(secret, Some(Cow::Borrowed(id)), Some(unix))),
            None => {
                self.explain_refusal(signatures);
                Err(Error::new(ErrorKind::InvalidSignature))
            }
        }
    }
}

impl StandardWebhooks {
    /// The secret or public key one of `signatures` matches: `v1` against
    /// every secret in constant time, then `v1a` against the public keys.
    fn matching(&self, parts: &[&[u8]], signatures: &str) -> Option<SecretMatch> {
        let secrets = match &self.keys {
            Some(keys) => {
                let matched = keys.find(parts, |tag| {
                    v1_candidates(signatures).fold(Choice::from(0), |any, candidate| {
                        any | tag_eq(tag, &candidate)
                    })
                });
                if matched.is_some() {
                    return matched;
                }
                keys.len()
            }
            None => 0,
        };
        if self.public_keys.is_empty() {
            return None;
        }
        self.public_keys
            .find(parts, v1a_candidates(signatures))
            .map(|key| SecretMatch::new(secrets + key.index()))
    }

    /// Logs why a delivery whose signatures are all of a version this
    /// verifier holds no key for is refused. The answer stays a plain
    /// `401`; the log names versions, never a signature or a key.
    fn explain_refusal(&self, signatures: &str) {
        let has = |tag: &str| signatures.split(' ').any(|entry| entry.starts_with(tag));
        let (v1, v1a) = (has(V1), has(V1A));
        if self.keys.is_none() && v1 && !v1a {
            tracing::warn!(
                "webhook refused: it carries only `v1` (HMAC) signatures, and this receiver \
                 holds only `whpk_` public keys, which check `v1a` (Ed25519) signatures; \
                 ask the sender to sign with its `whsk_` key, or configure its `whsec_` secret"
            );
        } else if self.public_keys.is_empty() && v1a && !v1 {
            tracing::warn!(
                "webhook refused: it carries only `v1a` (Ed25519) signatures, and this \
                 receiver holds no `whpk_` public key; configure the sender's public key"
            );
        }
    }
}

/// The decodable `v1,` signatures of a signature header; anything else is
/// skipped.
fn v1_candidates(header: &str) -> impl Iterator<Item = [u8; 32]> + '_ {
    header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix(V1))
        .filter_map(|signature| Encoding::Base64.decode(signature.as_bytes()))
}

/// The decodable `v1a,` signatures of a signature header: exactly 64 bytes
/// in padded standard base64. Anything else is skipped.
fn v1a_candidates(header: &str) -> impl Iterator<Item = [u8; 64]> + '_ {
    header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix(V1A))
        .filter_map(|signature| decode_ed25519_signature(signature.as_bytes()))
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("keys", &self.keys)
            .field("public_keys", &self.public_keys)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}
