//! Plugin requests signed the way the 2026 developer docs describe
//! (UNCONFIRMED; see [`RequestSignatures`](crate::signature::RequestSignatures)).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::signature::{hmac_sha256, Encoding, SIGNATURE_HEADER, TIMESTAMP_HEADER, VERSION_HEADER};

/// The signature headers of a plugin request whose raw body (or `GET`
/// query string) is `raw`, signed with `secret` at `timestamp_ms` (UNIX
/// milliseconds): `x-bitbadges-signature` (lowercase hex HMAC-SHA256 of
/// `<timestamp>.<raw>`), `x-bitbadges-timestamp` and `x-bitbadges-version: 1`.
///
/// ```
/// use claimkit::testing::sign_request;
///
/// // printf '%s' '1800000000000.{"pluginSecret":"s3cret"}' | openssl dgst -sha256 -hmac s3cret
/// let headers = sign_request("s3cret", 1_800_000_000_000, br#"{"pluginSecret":"s3cret"}"#);
/// assert_eq!(headers[0].1, "b962827af4aaf7e6b0c00617834c1182ce9815104d23ac028265dd23e3a97655");
/// assert_eq!(headers[1], ("x-bitbadges-timestamp".to_owned(), "1800000000000".to_owned()));
/// ```
pub fn sign_request(
    secret: impl AsRef<[u8]>,
    timestamp_ms: u64,
    raw: &[u8],
) -> Vec<(String, String)> {
    let timestamp = timestamp_ms.to_string();
    let tag = hmac_sha256(secret.as_ref(), &[timestamp.as_bytes(), b".", raw]);
    vec![
        (SIGNATURE_HEADER.to_owned(), Encoding::Hex.encode(&tag)),
        (TIMESTAMP_HEADER.to_owned(), timestamp),
        (VERSION_HEADER.to_owned(), "1".to_owned()),
    ]
}

/// The current time in UNIX milliseconds, the unit of
/// `x-bitbadges-timestamp`.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}
