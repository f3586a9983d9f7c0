//! The client: one request road for every route, and how an answer becomes
//! a value or a typed [`Error`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tracing::Instrument;

use crate::{meter, retry_after, ApiKey, Error, ErrorKind};

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// How many characters of the API's `errorMessage` an [`Error`] keeps.
const MESSAGE_LIMIT: usize = 300;

/// A client of the BitBadges API.
///
/// Cheap to clone (the clones share one connection pool); make one per
/// process and share it, since every call costs the account a credit.
/// Each method makes exactly one request: it never retries on its own, so
/// the caller decides what a retry may cost (see [`Error::retry_after`]).
///
/// ```no_run
/// use claimkit_bitbadges::Client;
///
/// # async fn run() -> Result<(), claimkit_bitbadges::Error> {
/// // BITBADGES_API_KEY, and BITBADGES_API_URL when set.
/// let client = Client::from_env()?;
/// let status = client.get_claim_attempt_status("6a1f0c").await?;
/// println!("success: {}", status.success);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) key: ApiKey,
    pub(crate) timeout: Duration,
    pub(crate) body_limit: usize,
}

/// One call: the route's name (for logs and errors, never an id), its
/// method, the path below the base URL, the query and the JSON body.
pub(crate) struct Call<'a> {
    pub(crate) route: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'a [&'a str],
    pub(crate) query: &'a [(&'a str, &'a str)],
    pub(crate) body: Option<Vec<u8>>,
}

impl Client {
    pub(crate) fn from_inner(inner: Arc<Inner>) -> Self {
        Self { inner }
    }

    /// The base URL the routes are joined to, ending in `/`.
    pub fn api_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The time-out of each call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    fn url(&self, path: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.inner.base.clone();
        {
            // The base URL is an http(s) URL (checked when built), so it
            // has path segments; each id is percent-encoded as one segment.
            let mut segments = url
                .path_segments_mut()
                .unwrap_or_else(|()| unreachable!("the base URL is an http(s) URL"));
            segments.pop_if_empty().extend(path);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// Sends `call` and decodes a success's body as `T`.
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let route = call.route;
        self.metered(route, async {
            let body = self.exchange_in_span(call).await?;
            serde_json::from_slice(&body).map_err(|err| {
                tracing::warn!(route, error = %err, "the BitBadges API's answer could not be decoded");
                Error::new(ErrorKind::Decode)
                    .with_route(route)
                    .with_source(err)
            })
        })
        .await
    }

    /// Sends `call`; a success's body is not read as anything.
    pub(crate) async fn send_unit(&self, call: Call<'_>) -> Result<(), Error> {
        let route = call.route;
        self.metered(route, async { self.exchange_in_span(call).await.map(drop) })
            .await
    }

    /// Runs one request, counted in the metrics with its result.
    async fn metered<T>(
        &self,
        route: &'static str,
        request: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let result = request.await;
        meter::record(
            route,
            result.as_ref().err().map(Error::kind),
            started.elapsed(),
        );
        result
    }

    async fn exchange_in_span(&self, call: Call<'_>) -> Result<bytes::Bytes, Error> {
        let route = call.route;
        let span = tracing::debug_span!("bitbadges_api", route, method = %call.method);
        self.exchange(call).instrument(span).await
    }

    async fn exchange(&self, call: Call<'_>) -> Result<bytes::Bytes, Error> {
        let route = call.route;
        let mut request = self
            .inner
            .http
            .request(call.method, self.url(call.path, call.query))
            .timeout(self.inner.timeout)
            .header(API_KEY_HEADER, self.inner.key.header_value());
        if let Some(body) = call.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|err| self.transport(route, err))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| retry_after::parse(value.as_bytes(), SystemTime::now()));
        let body = self.read_body(route, status, response).await?;
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "the BitBadges API answered"
        );
        if status.is_success() {
            return Ok(body);
        }
        Err(self.refusal(route, status, retry_after, &body))
    }

    /// The answer's body, up to the client's limit: a wrong API URL cannot
    /// make the client hold an unbounded answer in memory.
    async fn read_body(
        &self,
        route: &'static str,
        status: StatusCode,
        mut response: reqwest::Response,
    ) -> Result<bytes::Bytes, Error> {
        let limit = self.inner.body_limit;
        let too_large = || {
            Error::new(ErrorKind::Decode)
                .with_route(route)
                .with_status(status.as_u16())
                .with_detail(format!("the answer is larger than {limit} bytes"))
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.transport(route, err).with_status(status.as_u16()))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The error for a response that was not a success.
    fn refusal(
        &self,
        route: &'static str,
        status: StatusCode,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Error {
        let message = api_message(body).map(|message| self.inner.key.redact_from(&message));
        let kind = match status.as_u16() {
            401 => ErrorKind::Unauthorized,
            402 => ErrorKind::OutOfCredits,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::NotKnownYet,
            _ if message.as_deref().is_some_and(says_no_doc) => ErrorKind::NotKnownYet,
            _ => ErrorKind::Rejected,
        };
        // Every refusal is a `DEBUG` event: spent credits and a refused key
        // are logged once per episode by the core's `CallGate`, not once
        // per call.
        tracing::debug!(status = status.as_u16(), ?kind, "the BitBadges API refused");
        let mut err = Error::new(kind)
            .with_route(route)
            .with_status(status.as_u16())
            .with_retry_after(retry_after);
        if let Some(message) = message {
            err = err.with_api_message(message);
        }
        err
    }

    fn transport(&self, route: &'static str, err: reqwest::Error) -> Error {
        // reqwest's error names the URL, which holds no key (the key
        // travels in a header).
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport
        };
        tracing::debug!(?kind, error = %err, "the BitBadges API call failed");
        Error::new(kind).with_route(route).with_source(err)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.inner.base.as_str())
            .field("key", &self.inner.key)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

/// The API's error body: `{"errorMessage": ..., "error"?: ...}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    error_message: Option<String>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// The API's explanation, cut to [`MESSAGE_LIMIT`] characters; `None` when
/// the body is not its error shape.
fn api_message(body: &[u8]) -> Option<String> {
    let body: ErrorBody = serde_json::from_slice(body).ok()?;
    let message = match (body.error_message, body.error) {
        (Some(message), _) if !message.trim().is_empty() => message,
        (_, Some(serde_json::Value::String(error))) if !error.trim().is_empty() => error,
        _ => return None,
    };
    Some(match message.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    })
}

/// Whether the API says it has no record of what was asked for.
fn says_no_doc(message: &str) -> bool {
    message.to_ascii_lowercase().contains("no doc found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_message_is_read_and_cut() {
        assert_eq!(
            api_message(br#"{"errorMessage":"No doc found"}"#).as_deref(),
            Some("No doc found")
        );
        assert_eq!(
            api_message(br#"{"error":"bad","errorMessage":""}"#).as_deref(),
            Some("bad")
        );
        assert_eq!(api_message(b"<html>502</html>"), None);
        assert_eq!(api_message(br#"{"other":1}"#), None);
        let long = format!(r#"{{"errorMessage":"{}"}}"#, "é".repeat(400));
        let cut = api_message(long.as_bytes()).unwrap();
        assert_eq!(cut.chars().count(), MESSAGE_LIMIT + 1);
    }

    #[test]
    fn no_doc_found_in_any_case() {
        assert!(says_no_doc("No doc found"));
        assert!(says_no_doc("Error: no doc found for id 12"));
        assert!(!says_no_doc("Invalid claim id"));
    }

    #[test]
    fn ids_are_one_encoded_segment_each() {
        let client = Client::builder(ApiKey::new("k").unwrap())
            .with_api_url("http://127.0.0.1:9/base")
            .build()
            .unwrap();
        let url = client.url(&["api", "v0", "claims", "a/b?c"], &[("bookmark", "x&y=z")]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/base/api/v0/claims/a%2Fb%3Fc?bookmark=x%26y%3Dz"
        );
    }

    #[test]
    fn debug_redacts_the_key() {
        let client = Client::builder(ApiKey::new("bb-very-secret").unwrap())
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
