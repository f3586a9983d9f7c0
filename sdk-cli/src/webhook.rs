//! `claimkit sign` and `claimkit send`: webhooks signed as their senders
//! sign them.

use std::time::Duration;

use claimkit::testing::Signer;

use crate::client::{client, exchange, Exchange, Failure};

/// The signing schemes the command knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Standard Webhooks v1 (`webhook-id`, `webhook-timestamp`,
    /// `webhook-signature`); the secret is `whsec_<base64>`.
    Standard,
    /// Standard Webhooks v1a (Ed25519, the same headers); the secret is the
    /// private key, `whsk_<base64>`.
    StandardEd25519,
    /// claimr's default scheme (`x-claimr-signature`, hex HMAC-SHA256 of the
    /// body).
    Claimr,
    /// GitHub (`x-hub-signature-256: sha256=<hex>`).
    Github,
    /// Stripe (`stripe-signature: t=…,v1=…`).
    Stripe,
    /// Slack (`x-slack-signature: v0=…` with `x-slack-request-timestamp`).
    Slack,
}

/// A signer for `scheme`, with an optional delivery id and timestamp.
///
/// # Errors
/// When a Standard Webhooks secret is not `whsec_` and base64, or a private
/// key not `whsk_` and base64.
pub fn signer(
    scheme: Scheme,
    secret: &str,
    id: Option<&str>,
    timestamp: Option<u64>,
) -> Result<Signer, String> {
    let signer = match scheme {
        Scheme::Standard => Signer::standard(secret).map_err(|err| err.to_string())?,
        Scheme::StandardEd25519 => {
            Signer::standard_ed25519(secret).map_err(|err| err.to_string())?
        }
        Scheme::Claimr => Signer::claimr(secret),
        Scheme::Github => Signer::github(secret),
        Scheme::Stripe => Signer::stripe(secret),
        Scheme::Slack => Signer::slack(secret),
    };
    let signer = match id {
        Some(id) => signer.with_id(id),
        None => signer,
    };
    Ok(match timestamp {
        Some(timestamp) => signer.with_timestamp(timestamp),
        None => signer,
    })
}

/// Whether `secret` is a Standard Webhooks private key (`whsk_…`), which
/// signs `v1a`.
pub fn is_private_key(secret: &str) -> bool {
    secret
        .trim_start()
        .starts_with(claimkit::testing::KeyPair::PRIVATE_PREFIX)
}

/// Signs `body` and `POST`s it to `url`.
///
/// # Errors
/// When nothing comes back within `deadline` or the connection fails.
pub fn send(
    url: &str,
    signer: &Signer,
    body: Vec<u8>,
    deadline: Duration,
) -> Result<Exchange, Failure> {
    let headers = signer.sign(&body);
    send_with_headers(url, &headers, body, deadline)
}

/// The signature headers of a BitBadges plugin request whose body is
/// `body`, signed with the plugin `secret` at `timestamp_ms` (default: now):
/// `x-bitbadges-signature`, `-timestamp` (UNIX milliseconds), `-version`.
pub fn plugin_request_headers(
    secret: &str,
    timestamp_ms: Option<u64>,
    body: &[u8],
) -> Vec<(String, String)> {
    let timestamp = timestamp_ms.unwrap_or_else(claimkit::testing::now_millis);
    claimkit::testing::sign_request(secret, timestamp, body)
}

/// `POST`s `body` to `url` with `headers` (a JSON content type added).
///
/// # Errors
/// When nothing comes back within `deadline` or the connection fails.
pub fn send_with_headers(
    url: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    deadline: Duration,
) -> Result<Exchange, Failure> {
    let mut request = ureq::http::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request
        .body(body)
        .map_err(|err| Failure::Connection(err.to_string()))?;
    exchange(&client(deadline), request)
}
