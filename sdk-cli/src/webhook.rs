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
/// When a Standard Webhooks secret is not `whsec_` and base64.
pub fn signer(
    scheme: Scheme,
    secret: &str,
    id: Option<&str>,
    timestamp: Option<u64>,
) -> Result<Signer, String> {
    let signer = match scheme {
        Scheme::Standard => Signer::standard(secret).map_err(|err| err.to_string())?,
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
    let mut request = ureq::http::Request::post(url).header("content-type", "application/json");
    for (name, value) in signer.sign(&body) {
        request = request.header(name, value);
    }
    let request = request
        .body(body)
        .map_err(|err| Failure::Connection(err.to_string()))?;
    exchange(&client(deadline), request)
}
