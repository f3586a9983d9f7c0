//! Signed plugin requests: the `X-BitBadges-Signature` headers
//! (UNCONFIRMED), checked over the raw body before it is decoded.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::encoding::Encoding;
use super::keys::{tag_eq, Keys};
use super::{single_header, Clock, Headers, SystemClock, Tolerance};
use crate::{Error, ErrorKind, SecretMatch, Secrets};

/// The header holding the request's signature: hex HMAC-SHA256 (either
/// case) of `<timestamp>.<raw body>`, keyed with the plugin secret.
pub const SIGNATURE_HEADER: &str = "x-bitbadges-signature";
/// The header holding the signed timestamp: UNIX **milliseconds**, decimal.
pub const TIMESTAMP_HEADER: &str = "x-bitbadges-timestamp";
/// The header naming the signature scheme's version: `1`.
pub const VERSION_HEADER: &str = "x-bitbadges-version";

/// Whether a plugin checks the signature headers of its requests.
///
/// Parsed from `off`, `verify` or `require` (as the example servers read
/// `BITBADGES_SIGNATURES`):
///
/// ```
/// use claimkit::signature::SignatureMode;
///
/// assert_eq!("require".parse::<SignatureMode>()?, SignatureMode::Require);
/// assert_eq!(SignatureMode::default(), SignatureMode::Off);
/// assert_eq!("maybe".parse::<SignatureMode>().unwrap_err().status(), 500);
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMode {
    /// Ignore the signature headers (the default, since the scheme is
    /// unconfirmed): the body's `pluginSecret` alone authenticates.
    #[default]
    Off,
    /// Verify the signature when a signature or timestamp header is
    /// present; accept requests without either.
    VerifyWhenPresent,
    /// Refuse every request without a valid signature.
    Require,
}

impl FromStr for SignatureMode {
    type Err = Error;

    /// `off`, `verify` or `require`, in any case.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for any other text.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "verify" => Ok(Self::VerifyWhenPresent),
            "require" => Ok(Self::Require),
            _ => Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a signature mode is `off`, `verify` or `require`",
            )),
        }
    }
}

/// How a plugin checks signed requests: the [`SignatureMode`], the
/// timestamp [`Tolerance`] (default five minutes each way) and the clock.
///
/// **The scheme is UNCONFIRMED.** Only the platform's 2026 developer docs
/// describe it, and no published sender code shows it: the signature in
/// [`SIGNATURE_HEADER`] is the hex HMAC-SHA256, keyed with the plugin secret,
/// of `<timestamp>.<raw body>`, with the timestamp in UNIX milliseconds in
/// [`TIMESTAMP_HEADER`] and `1` in [`VERSION_HEADER`]. The body keeps its
/// `pluginSecret`, which is checked as well. Hence the default mode
/// [`Off`](SignatureMode::Off).
///
/// Give it to [`PluginConfig::with_signatures`](crate::PluginConfig::with_signatures),
/// which prepares one HMAC key per accepted secret, once. Each request is
/// then checked over its raw bytes (a `GET`'s query string, whose signed
/// form is undocumented, stands for the body) after the size check and
/// before anything is decoded; every accepted secret is tried in constant
/// time, so a rotation works as it does for `pluginSecret`. Any failure is
/// `401 {"message"}`, the message naming neither a secret nor a signature.
///
/// ```
/// use claimkit::signature::{FixedClock, RequestSignatures, SignatureMode};
/// use claimkit::{PluginConfig, Secret, Source};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let signatures = RequestSignatures::new(SignatureMode::Require)
///     .with_clock(FixedClock::new(UNIX_EPOCH + Duration::from_millis(1_800_000_000_000)));
/// let config = PluginConfig::new(Secret::new("s3cret")?).with_signatures(signatures);
///
/// let body = br#"{"pluginSecret":"s3cret"}"#;
/// // printf '%s' '1800000000000.{"pluginSecret":"s3cret"}' | openssl dgst -sha256 -hmac s3cret
/// let headers = [
///     ("X-BitBadges-Signature", "b962827af4aaf7e6b0c00617834c1182ce9815104d23ac028265dd23e3a97655"),
///     ("X-BitBadges-Timestamp", "1800000000000"),
///     ("X-BitBadges-Version", "1"),
/// ];
/// let request = config.decode::<()>(Source::Body, &headers, body)?;
/// assert_eq!(request.secret_match().index(), 0);
///
/// // Unsigned, or signed over other bytes: 401.
/// let unsigned: [(&str, &str); 0] = [];
/// assert_eq!(config.decode::<()>(Source::Body, &unsigned, body).unwrap_err().status(), 401);
/// let tampered = br#"{"pluginSecret":"s3cret" }"#;
/// assert_eq!(config.decode::<()>(Source::Body, &headers, tampered).unwrap_err().status(), 401);
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct RequestSignatures {
    mode: SignatureMode,
    tolerance: Tolerance,
    clock: Arc<dyn Clock>,
}

impl RequestSignatures {
    /// Checks requests in `mode`, with the default tolerance and the
    /// system clock.
    pub fn new(mode: SignatureMode) -> Self {
        Self {
            mode,
            tolerance: Tolerance::DEFAULT,
            clock: Arc::new(SystemClock),
        }
    }

    /// Accepts timestamps within `tolerance` of the clock.
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The mode.
    pub fn mode(&self) -> SignatureMode {
        self.mode
    }

    /// The accepted distance between a signed timestamp and the clock.
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }
}

impl Default for RequestSignatures {
    fn default() -> Self {
        Self::new(SignatureMode::Off)
    }
}

impl fmt::Debug for RequestSignatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSignatures")
            .field("mode", &self.mode)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

/// [`RequestSignatures`] with a prepared key per accepted secret.
#[derive(Clone, Debug)]
pub(crate) struct PreparedSignatures {
    config: RequestSignatures,
    keys: Keys,
}

impl PreparedSignatures {
    pub(crate) fn new(config: RequestSignatures, secrets: &Secrets) -> Self {
        Self {
            config,
            keys: Keys::from_secrets(secrets),
        }
    }

    pub(crate) fn config(&self) -> &RequestSignatures {
        &self.config
    }

    /// Checks the signature headers over `raw`; `Ok(None)` when the mode
    /// lets the request through unsigned.
    pub(crate) fn verify<H: Headers + ?Sized>(
        &self,
        headers: &H,
        raw: &[u8],
    ) -> Result<Option<SecretMatch>, Error> {
        let mode = self.config.mode;
        if mode == SignatureMode::Off {
            return Ok(None);
        }
        let read = |name| single_header(headers, name).map_err(|_| refused(MALFORMED));
        let signature = read(SIGNATURE_HEADER)?;
        let timestamp = read(TIMESTAMP_HEADER)?;
        let version = read(VERSION_HEADER)?;
        let (signature, timestamp) = match (signature, timestamp) {
            (None, None) if mode == SignatureMode::VerifyWhenPresent => return Ok(None),
            (Some(signature), Some(timestamp)) => (signature, timestamp),
            _ => return Err(refused("missing request signature headers")),
        };
        if version.is_some_and(|version| version != "1") {
            return Err(refused("unsupported request signature version"));
        }
        let millis = parse_millis(timestamp).ok_or_else(|| refused(MALFORMED))?;
        if !self
            .config
            .tolerance
            .check_millis(self.config.clock.now(), millis)
        {
            return Err(Error::with_message(
                ErrorKind::StaleTimestamp,
                "request timestamp outside the accepted window",
            ));
        }
        let candidate = Encoding::Hex
            .decode(signature.as_bytes())
            .ok_or_else(|| refused(INVALID))?;
        self.keys
            .find(&[timestamp.as_bytes(), b".", raw], |tag| {
                tag_eq(tag, &candidate)
            })
            .map(Some)
            .ok_or_else(|| refused(INVALID))
    }
}

const MALFORMED: &str = "malformed request signature headers";
const INVALID: &str = "invalid request signature";

/// Every refusal is `401`: the caller is not shown to be the platform.
fn refused(message: &'static str) -> Error {
    Error::with_message(ErrorKind::InvalidSignature, message)
}

/// Decimal digits only, at most 20 of them, no overflow.
fn parse_millis(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_millis("1800000000000"), Some(1_800_000_000_000));
        for bad in [
            "",
            "-1",
            "1.5",
            "1e12",
            "0x1",
            "99999999999999999999",
            "1 2",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn modes_parse_and_debug_hides_the_clock() {
        assert_eq!(
            " Verify ".parse::<SignatureMode>().unwrap(),
            SignatureMode::VerifyWhenPresent
        );
        assert_eq!("OFF".parse::<SignatureMode>().unwrap(), SignatureMode::Off);
        assert!("".parse::<SignatureMode>().is_err());
        let debug = format!("{:?}", RequestSignatures::default());
        assert!(debug.contains("Off"), "{debug}");
    }
}
