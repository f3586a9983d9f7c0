//! Standard Webhooks v1, the scheme Svix and many senders use.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use subtle::Choice;

use super::encoding::{decode_base64_key, Encoding};
use super::headers::required_header;
use super::keys::{tag_eq, Keys};
use super::timestamp::parse_unix;
use super::{Clock, Headers, SystemClock, Tolerance, Verified, Verifier};
use crate::{Error, ErrorKind, Secrets};

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

/// A verifier for [Standard Webhooks] v1 signatures.
///
/// A delivery carries `webhook-id`, `webhook-timestamp` (UNIX seconds) and
/// `webhook-signature` (Svix sends the same as `svix-id`, `svix-timestamp`
/// and `svix-signature`; both spellings are read, `webhook-` first). The
/// signature is `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` over the exact body bytes. The signature header
/// may hold several space-separated signatures, for a sender rotating its
/// secret: any `v1,` one matching passes, and other versions (`v1a,`, the
/// asymmetric one) are ignored.
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
#[derive(Clone)]
pub struct StandardWebhooks {
    keys: Keys,
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
            keys,
            tolerance: Tolerance::DEFAULT,
            clock: Arc::new(SystemClock),
        })
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
        let matched = self.keys.find(&parts, |tag| {
            candidates(signatures).fold(Choice::from(0), |any, candidate| {
                any | tag_eq(tag, &candidate)
            })
        });
        match matched {
            Some(secret) => Ok(Verified::new(secret, Some(Cow::Borrowed(id)), Some(unix))),
            None => Err(Error::new(ErrorKind::InvalidSignature)),
        }
    }
}

/// The decodable `v1,` signatures of a signature header; anything else is
/// skipped.
fn candidates(header: &str) -> impl Iterator<Item = [u8; 32]> + '_ {
    header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix(V1))
        .filter_map(|signature| Encoding::Base64.decode(signature.as_bytes()))
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("keys", &self.keys)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}
