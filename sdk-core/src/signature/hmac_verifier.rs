//! Verifying deliveries signed with an [`HmacScheme`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use subtle::Choice;

use super::encoding::Tag;
use super::headers::{malformed, required_header, single_header};
use super::json_id::top_level_field;
use super::keys::{tag_eq, Keys};
use super::stripe::StripeHeader;
use super::timestamp::parse_unix;
use super::{Clock, Headers, HmacScheme, IdSource, SignedContent, SystemClock, Verified, Verifier};
use crate::{Error, ErrorKind, SecretMatch, Secrets};

/// A verifier for an [`HmacScheme`] and a set of accepted secrets.
///
/// Each secret's bytes are the HMAC key, as they are (GitHub, Stripe and
/// Slack all use the secret's text as the key). The key is prepared once,
/// here; verifying a delivery hashes the body where it lies and compares
/// in constant time against every accepted secret.
///
/// ```
/// use claimkit::signature::{HmacScheme, HmacVerifier, Verifier};
/// use claimkit::{Secret, Secrets};
///
/// let secrets = Secrets::new(Secret::new("new secret")?)
///     .with_previous(Secret::new("It's a Secret to Everybody")?);
/// let verifier = HmacVerifier::new(HmacScheme::github(), secrets)?;
///
/// let headers = [
///     ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
///     ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
/// ];
/// let verified = verifier.verify(&headers, b"Hello, World!")?;
/// assert_eq!(verified.secret().index(), 1, "signed with the previous secret");
/// assert_eq!(verified.delivery_id(), Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct HmacVerifier {
    scheme: Arc<HmacScheme>,
    keys: Keys,
    clock: Arc<dyn Clock>,
}

impl HmacVerifier {
    /// A verifier for `scheme` accepting `secrets`, current first.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when a header name of the scheme is
    /// empty or not a valid HTTP header name.
    pub fn new(scheme: HmacScheme, secrets: impl Into<Secrets>) -> Result<Self, Error> {
        let scheme = scheme.normalized().ok_or_else(|| {
            Error::with_message(
                ErrorKind::InvalidConfig,
                "a signature scheme names an invalid header",
            )
        })?;
        let secrets = secrets.into();
        Ok(Self {
            scheme: Arc::new(scheme),
            keys: Keys::new(secrets.iter().map(|secret| secret.expose()))?,
            clock: Arc::new(SystemClock),
        })
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The scheme, with its header names in lowercase.
    pub fn scheme(&self) -> &HmacScheme {
        &self.scheme
    }

    /// The signature of a single-signature header, its prefix removed.
    fn strip_prefix<'v>(&self, value: &'v str) -> Result<&'v str, Error> {
        match self.scheme.prefix() {
            None => Ok(value),
            Some(prefix) => match value.strip_prefix(prefix) {
                Some(rest) => Ok(rest),
                None if self.scheme.prefix_required() => {
                    Err(malformed("the signature lacks its prefix"))
                }
                None => Ok(value),
            },
        }
    }

    /// Checks a timestamp and its freshness.
    fn timestamp(&self, text: &str) -> Result<u64, Error> {
        let unix = parse_unix(text)?;
        self.scheme.tolerance().check(self.clock.now(), unix)?;
        Ok(unix)
    }

    /// The secret whose tag over `parts` equals `candidate`.
    fn matching(&self, parts: &[&[u8]], candidate: &Tag) -> Result<SecretMatch, Error> {
        self.keys
            .find(parts, |tag| tag_eq(tag, candidate))
            .ok_or_else(|| Error::new(ErrorKind::InvalidSignature))
    }

    /// Stripe style: the timestamp and every `v1` signature in one header.
    fn verify_stripe(&self, value: &str, body: &[u8]) -> Result<(SecretMatch, u64), Error> {
        let header = StripeHeader::parse(value)?;
        let unix = self.timestamp(header.timestamp)?;
        let encoding = self.scheme.encoding();
        let parts = self.scheme.content().parts(header.timestamp, body);
        let secret = self.keys.find(&parts, |tag| {
            header
                .signatures()
                .filter_map(|sig| encoding.decode(sig.as_bytes()))
                .fold(Choice::from(0), |any, candidate| {
                    any | tag_eq(tag, &candidate)
                })
        });
        let secret = secret.ok_or_else(|| Error::new(ErrorKind::InvalidSignature))?;
        Ok((secret, unix))
    }

    fn delivery_id<'a, H: Headers + ?Sized>(
        &self,
        headers: &'a H,
        body: &'a [u8],
    ) -> Result<Option<Cow<'a, str>>, Error> {
        Ok(match self.scheme.delivery_id() {
            IdSource::Header(name) => single_header(headers, name)?.map(Cow::Borrowed),
            IdSource::JsonField(name) => top_level_field(body, name),
            IdSource::NoId => None,
        })
    }
}

impl Verifier for HmacVerifier {
    fn verify<'a, H: Headers + ?Sized>(
        &self,
        headers: &'a H,
        body: &'a [u8],
    ) -> Result<Verified<'a>, Error> {
        let scheme = &*self.scheme;
        let value = required_header(headers, scheme.header(), "missing signature header")?;
        let content = scheme.content();
        let (secret, unix) = if let SignedContent::StripeHeader = content {
            let (secret, unix) = self.verify_stripe(value, body)?;
            (secret, Some(unix))
        } else {
            let signature = self.strip_prefix(value)?;
            let timestamp = match content.timestamp_header() {
                Some(name) => {
                    let text =
                        required_header(headers, name, "missing signature timestamp header")?;
                    Some((text, self.timestamp(text)?))
                }
                None => None,
            };
            let candidate = scheme
                .encoding()
                .decode(signature.as_bytes())
                .ok_or_else(|| Error::new(ErrorKind::InvalidSignature))?;
            let text = timestamp.map_or("", |(text, _)| text);
            let secret = self.matching(&content.parts(text, body), &candidate)?;
            (secret, timestamp.map(|(_, unix)| unix))
        };
        let id = self.delivery_id(headers, body)?;
        Ok(Verified::new(secret, id, unix))
    }
}

impl fmt::Debug for HmacVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacVerifier")
            .field("scheme", &self.scheme)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}
