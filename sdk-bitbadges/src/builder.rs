//! Configuration: the key, the API URL, the time-outs, from code or the
//! environment; the ways a [`Client`] is made ([`Client::builder`],
//! [`Client::from_env`]) live here, beside the builder they start.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::client::{Client, Inner};
use crate::{ApiKey, Error};

/// The BitBadges API's address, unless `BITBADGES_API_URL` says otherwise.
pub const DEFAULT_API_URL: &str = "https://api.bitbadges.io";

/// How long a call may take, from sending the request to the end of the
/// answer's body, unless [`ClientBuilder::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connecting (TCP and TLS) may take in the HTTP client this crate
/// builds, unless [`ClientBuilder::with_connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest answer body the client reads, unless
/// [`ClientBuilder::with_body_limit`] says otherwise: 16 MiB, far above a
/// page of attempts.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The environment variable holding the API key; the official TypeScript
/// SDK reads the same name.
pub const API_KEY_VAR: &str = "BITBADGES_API_KEY";

/// The environment variable holding the API's base URL; the official
/// TypeScript SDK reads the same name. Unset or empty means
/// [`DEFAULT_API_URL`].
pub const API_URL_VAR: &str = "BITBADGES_API_URL";

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use claimkit_bitbadges::{ApiKey, Client};
///
/// let client = Client::builder(ApiKey::new("bb-4f2c9e")?)
///     .with_api_url("http://127.0.0.1:3001")
///     .with_timeout(Duration::from_secs(3))
///     .build()?;
/// assert_eq!(client.api_url(), "http://127.0.0.1:3001/");
/// # Ok::<(), claimkit_bitbadges::Error>(())
/// ```
pub struct ClientBuilder {
    key: ApiKey,
    api_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    body_limit: usize,
    http: Option<reqwest::Client>,
}

impl Client {
    /// A builder for a client that sends `key`.
    pub fn builder(key: ApiKey) -> ClientBuilder {
        ClientBuilder::new(key)
    }

    /// A client configured from the environment (`BITBADGES_API_KEY`,
    /// `BITBADGES_API_URL`), with the default time-outs: a shortcut for
    /// [`ClientBuilder::from_env`] then [`ClientBuilder::build`].
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) as [`ClientBuilder::from_env`] and
    /// [`ClientBuilder::build`] say.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// A builder for a client that sends `key`, to [`DEFAULT_API_URL`],
    /// with [`DEFAULT_TIMEOUT`].
    pub fn new(key: ApiKey) -> Self {
        Self {
            key,
            api_url: DEFAULT_API_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            http: None,
        }
    }

    /// A builder configured from the environment: the key from
    /// `BITBADGES_API_KEY` ([`API_KEY_VAR`]), the URL from
    /// `BITBADGES_API_URL` ([`API_URL_VAR`]) when it is set and not empty.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when
    /// `BITBADGES_API_KEY` is unset, empty, not Unicode, or not a key
    /// ([`ApiKey::new`]); or when `BITBADGES_API_URL` is not Unicode.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, Error> {
        let key = lookup(API_KEY_VAR)
            .ok_or_else(|| Error::config(format!("{API_KEY_VAR} is not set")))?
            .into_string()
            .map_err(|_| Error::config(format!("{API_KEY_VAR} is not valid Unicode")))?;
        let key = ApiKey::new(key).map_err(|err| {
            Error::config(format!(
                "{API_KEY_VAR}: {}",
                err.detail().unwrap_or_default()
            ))
        })?;
        let mut builder = Self::new(key);
        if let Some(url) = lookup(API_URL_VAR) {
            let url = url
                .into_string()
                .map_err(|_| Error::config(format!("{API_URL_VAR} is not valid Unicode")))?;
            if !url.trim().is_empty() {
                builder = builder.with_api_url(url.trim());
            }
        }
        Ok(builder)
    }

    /// Sends the requests to `url` instead (a test server, a proxy). Its
    /// scheme must be `http` or `https`; a path in it is kept as a prefix
    /// of every route. Checked by [`build`](Self::build).
    pub fn with_api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
        self
    }

    /// How long a call may take, from sending the request to the end of the
    /// answer's body; past it the call fails with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout). Applies to an
    /// HTTP client passed with [`with_http_client`](Self::with_http_client)
    /// too.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting (TCP and TLS) may take. Applies to the HTTP
    /// client this crate builds, not to one passed with
    /// [`with_http_client`](Self::with_http_client).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest answer body the client reads; a larger one fails the
    /// call with [`ErrorKind::Decode`](crate::ErrorKind::Decode).
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Sends the requests through the application's own `reqwest` client
    /// (its connection pool, proxy, TLS roots), instead of one this crate
    /// builds.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the API URL is
    /// not an absolute `http` or `https` URL, has a query, or when the HTTP
    /// client cannot be built (its TLS set-up failed).
    pub fn build(self) -> Result<Client, Error> {
        let base = parse_api_url(&self.api_url)?;
        let http = match self.http {
            Some(http) => http,
            None => http_client(self.connect_timeout)?,
        };
        Ok(Client::from_inner(Arc::new(Inner {
            http,
            base,
            key: self.key,
            timeout: self.timeout,
            body_limit: self.body_limit,
        })))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("key", &self.key)
            .field("api_url", &self.api_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("body_limit", &self.body_limit)
            .field("http", &self.http.as_ref().map(|_| "reqwest::Client"))
            .finish()
    }
}

fn parse_api_url(url: &str) -> Result<Url, Error> {
    // The URL is never repeated in a message: it might hold credentials.
    let mut parsed = Url::parse(url)
        .map_err(|err| Error::config("the API URL is not a URL").with_source(err))?;
    if parsed.password().is_some() || !parsed.username().is_empty() {
        // Credentials in the URL would be logged with it; the key has its
        // own header.
        return Err(Error::config(
            "the API URL must not hold a user name or password",
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(Error::config("the API URL is not an http or https URL"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config("the API URL must have no query or fragment"));
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

/// reqwest's own client, its TLS (with the `rustls` feature) included: no
/// process-wide setting is touched.
fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|err| Error::config("the HTTP client could not be built").with_source(err))
}

const USER_AGENT: &str = concat!("claimkit-bitbadges/", env!("CARGO_PKG_VERSION"));

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::*;
    use crate::ErrorKind;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn the_environment_gives_key_and_url() {
        let client = ClientBuilder::from_lookup(lookup(&[
            (API_KEY_VAR, "bb-key\n"),
            (API_URL_VAR, "http://127.0.0.1:9/prefix"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.api_url(), "http://127.0.0.1:9/prefix/");
    }

    #[test]
    fn an_unset_or_empty_url_is_the_default() {
        for vars in [
            &[(API_KEY_VAR, "bb-key")][..],
            &[(API_KEY_VAR, "bb-key"), (API_URL_VAR, " ")][..],
        ] {
            let client = ClientBuilder::from_lookup(lookup(vars))
                .unwrap()
                .build()
                .unwrap();
            assert_eq!(client.api_url(), "https://api.bitbadges.io/");
        }
    }

    #[test]
    fn a_missing_or_bad_key_says_which_variable() {
        let err = ClientBuilder::from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert_eq!(
            err.to_string(),
            "invalid BitBadges API client configuration: BITBADGES_API_KEY is not set"
        );
        let err = ClientBuilder::from_lookup(lookup(&[(API_KEY_VAR, "a secret")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid BitBadges API client configuration: BITBADGES_API_KEY: the API key \
             holds a character that cannot be sent in a header (only visible ASCII \
             characters are allowed)"
        );
    }

    #[test]
    fn unusable_urls_are_refused() {
        for url in [
            "api.bitbadges.io",
            "ftp://api.bitbadges.io",
            "mailto:x@y.z",
            "https://api.bitbadges.io/?a=1",
            "https://user:pw@api.bitbadges.io",
        ] {
            let err = ClientBuilder::new(ApiKey::new("k").unwrap())
                .with_api_url(url)
                .build()
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{url}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
    }

    #[test]
    fn the_default_http_client_builds() {
        // With reqwest's TLS and its provider: building never panics for
        // want of a process-wide rustls provider.
        let client = ClientBuilder::new(ApiKey::new("k").unwrap())
            .build()
            .unwrap();
        assert_eq!(client.api_url(), "https://api.bitbadges.io/");
    }

    #[test]
    fn debug_redacts_the_key() {
        let builder = ClientBuilder::new(ApiKey::new("bb-very-secret").unwrap());
        let shown = format!("{builder:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
    }
}
