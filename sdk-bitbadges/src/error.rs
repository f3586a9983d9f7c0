//! The one error type of the client and its kinds.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// What went wrong with a call to the BitBadges API.
///
/// The kinds that matter for a metered API are apart: a bad key
/// ([`Unauthorized`](Self::Unauthorized)), spent credits
/// ([`OutOfCredits`](Self::OutOfCredits)), the rate limit
/// ([`RateLimited`](Self::RateLimited), with its `Retry-After` in
/// [`Error::retry_after`]), and an answer that says nothing yet about the
/// thing asked for ([`NotKnownYet`](Self::NotKnownYet)). None of them means
/// that a claim attempt failed: only a decoded answer says that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client's configuration is unusable: no API key, a key that
    /// cannot be sent, an API URL that is not an `http(s)` URL, or an HTTP
    /// client that could not be built.
    Config,
    /// `401`: the API refused the key.
    Unauthorized,
    /// `402`: the account's API credits are spent. Calls fail until they
    /// are topped up.
    OutOfCredits,
    /// `429`: the account's rate limit was reached. Wait for
    /// [`Error::retry_after`] (or back off when it is absent).
    RateLimited,
    /// A `5xx`, or an error whose body says the API has no record of what
    /// was asked for (`"No doc found"`: an attempt not processed yet, or
    /// never made). Ask again later; never treat it as "failed".
    NotKnownYet,
    /// Another non-success status (`400`, `403`, `404` …): the API refused
    /// the request as made. [`Error::api_message`] says why.
    Rejected,
    /// The API did not answer within the client's time-out.
    Timeout,
    /// The request could not be sent or its answer not read: DNS, connect,
    /// TLS, a connection reset. The cause is the [`source`](StdError::source).
    Transport,
    /// A success status whose body is not the answer the route defines. The
    /// cause is the [`source`](StdError::source).
    Decode,
    /// The payload given to send could not be serialized as JSON (a map
    /// with keys that are not strings, a `Serialize` that fails). The cause
    /// is the [`source`](StdError::source).
    Encode,
}

/// An error of the BitBadges API client.
///
/// [`kind`](Self::kind) says what went wrong; [`status`](Self::status),
/// [`retry_after`](Self::retry_after) and [`api_message`](Self::api_message)
/// carry what the API answered. Neither its `Display` nor its `Debug` ever
/// shows the API key; a message from the API that repeats the key has it
/// replaced by `[REDACTED]`.
pub struct Error {
    kind: ErrorKind,
    route: Option<&'static str>,
    status: Option<u16>,
    retry_after: Option<Duration>,
    detail: Option<String>,
    api_message: Option<String>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            route: None,
            status: None,
            retry_after: None,
            detail: None,
            api_message: None,
            source: None,
        }
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config).with_detail(detail)
    }

    pub(crate) fn with_route(mut self, route: &'static str) -> Self {
        self.route = Some(route);
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn with_api_message(mut self, message: impl Into<String>) -> Self {
        self.api_message = Some(message.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub(crate) fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status the API answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// How long the API asked the client to wait (`Retry-After`, given in
    /// seconds or as an HTTP date), when it said so. A date in the past is
    /// [`Duration::ZERO`].
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The API's own explanation (`errorMessage` of its error body), with
    /// the API key redacted and cut to a few hundred characters.
    pub fn api_message(&self) -> Option<&str> {
        self.api_message.as_deref()
    }

    /// The route the failed call was made to (`"claim_attempt_status"`,
    /// `"claim_attempts"` …), when the error comes from a call.
    pub fn route(&self) -> Option<&'static str> {
        self.route
    }

    /// Whether asking again later may succeed without anyone changing
    /// anything: [`RateLimited`](ErrorKind::RateLimited),
    /// [`NotKnownYet`](ErrorKind::NotKnownYet),
    /// [`Timeout`](ErrorKind::Timeout) and
    /// [`Transport`](ErrorKind::Transport). Spent credits
    /// ([`OutOfCredits`](ErrorKind::OutOfCredits)) need someone to top them
    /// up, but a caller that backs off sees them come back.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited
                | ErrorKind::NotKnownYet
                | ErrorKind::Timeout
                | ErrorKind::Transport
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Config => {
                f.write_str("invalid BitBadges API client configuration")?;
                if let Some(detail) = &self.detail {
                    write!(f, ": {detail}")?;
                }
                return Ok(());
            }
            ErrorKind::Unauthorized => f.write_str("the BitBadges API refused the API key")?,
            ErrorKind::OutOfCredits => {
                f.write_str("the BitBadges account's API credits are spent")?
            }
            ErrorKind::RateLimited => {
                f.write_str("the BitBadges API's rate limit was reached")?;
                match self.retry_after {
                    Some(wait) => write!(f, "; retry after {} s", wait.as_secs())?,
                    None => f.write_str("; no Retry-After given")?,
                }
            }
            ErrorKind::NotKnownYet => {
                f.write_str("the BitBadges API does not know the answer yet")?
            }
            ErrorKind::Rejected => f.write_str("the BitBadges API refused the request")?,
            ErrorKind::Timeout => f.write_str("the BitBadges API did not answer in time")?,
            ErrorKind::Transport => f.write_str("could not reach the BitBadges API")?,
            ErrorKind::Decode => f.write_str("the BitBadges API's answer could not be decoded")?,
            ErrorKind::Encode => f.write_str("the payload could not be serialized as JSON")?,
        }
        if let Some(route) = self.route {
            write!(f, " ({route}")?;
            if let Some(status) = self.status {
                write!(f, ", status {status}")?;
            }
            f.write_str(")")?;
        } else if let Some(status) = self.status {
            write!(f, " (status {status})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(message) = &self.api_message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("route", &self.route)
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("detail", &self.detail)
            .field("api_message", &self.api_message)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_route_status_and_wait() {
        let err = Error::new(ErrorKind::RateLimited)
            .with_route("claim_attempt_status")
            .with_status(429)
            .with_retry_after(Some(Duration::from_secs(7)))
            .with_api_message("Too many requests");
        assert_eq!(
            err.to_string(),
            "the BitBadges API's rate limit was reached; retry after 7 s \
             (claim_attempt_status, status 429): Too many requests"
        );
        assert!(err.is_temporary());
    }

    #[test]
    fn config_errors_carry_no_api_message() {
        let err = Error::config("the API key is empty");
        assert_eq!(
            err.to_string(),
            "invalid BitBadges API client configuration: the API key is empty"
        );
        assert_eq!(err.api_message(), None);
        assert!(!err.is_temporary());
    }

    #[test]
    fn the_source_is_kept() {
        let cause = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let err = Error::new(ErrorKind::Transport).with_source(cause);
        let source = StdError::source(&err).unwrap();
        assert_eq!(source.to_string(), "reset");
    }
}
