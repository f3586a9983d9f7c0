//! What the adapters' plugin routes are built with: the deadline and the
//! CORS answer for the developer portal.

use std::time::Duration;

use crate::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER, VERSION_HEADER};
use crate::{CallMeter, Error, ErrorKind, DEFAULT_DEADLINE};

/// The origin of the BitBadges developer portal, whose "Send Test Request"
/// calls a plugin from the browser.
pub const PORTAL_ORIGIN: &str = "https://bitbadges.io";

/// The request headers a plugin route lets a browser send: `Content-Type`
/// and the `X-BitBadges-*` signature headers.
pub const CORS_ALLOWED_HEADERS: &[&str] = &[
    "content-type",
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    VERSION_HEADER,
];

/// The methods a plugin route lets a browser use: the plugin methods,
/// [`head::METHODS`](crate::head::METHODS).
pub const CORS_ALLOWED_METHODS: &[&str] = crate::head::METHODS;

/// How long a browser may cache a preflight answer: ten minutes.
pub const CORS_MAX_AGE: Duration = Duration::from_secs(600);

/// The options of a plugin route (`plugin_with` in `claimkit-axum` and
/// `claimkit-actix`): how long a handler may run, which browser origins
/// may call it, and the name its calls are counted under.
///
/// The developer portal's "Send Test Request" posts from the browser, at
/// [`PORTAL_ORIGIN`], so a plugin route answers the CORS preflight and marks
/// its answers for the allowed origins (by default only the portal),
/// allowing the plugin methods, `Content-Type` and the `X-BitBadges-*`
/// headers ([`CORS_ALLOWED_HEADERS`]). Requests from any other origin get
/// no CORS permission; live claim calls come from the platform's servers,
/// which send no `Origin` and are not affected. Whether the portal's mock
/// request carries the real secret is UNCONFIRMED.
///
/// ```
/// use std::time::Duration;
/// use claimkit::{RouteOptions, PORTAL_ORIGIN};
///
/// let options = RouteOptions::new();
/// assert_eq!(options.deadline(), Duration::from_secs(5));
/// assert_eq!(options.cors_origins(), [PORTAL_ORIGIN]);
///
/// let options = options
///     .with_deadline(Duration::from_secs(3))
///     .with_cors_origins(["https://bitbadges.io", "http://localhost:3000"])?
///     .with_cors_header("x-api-key");
/// assert_eq!(options.cors_origins().len(), 2);
/// assert!(options.cors_allowed_headers().any(|h| h == "x-api-key"));
/// assert!(RouteOptions::new().with_cors_origins(["*"]).is_err());
///
/// let named = RouteOptions::new().with_name("claim-number", "ClaimNumbers");
/// assert_eq!(named.name(), Some(("claim-number", "ClaimNumbers")));
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteOptions {
    deadline: Duration,
    cors_origins: Vec<String>,
    cors_headers: Vec<String>,
    name: Option<(&'static str, &'static str)>,
}

impl RouteOptions {
    /// The defaults: [`DEFAULT_DEADLINE`], CORS for [`PORTAL_ORIGIN`] only.
    pub fn new() -> Self {
        Self {
            deadline: DEFAULT_DEADLINE,
            cors_origins: vec![PORTAL_ORIGIN.to_owned()],
            cors_headers: Vec::new(),
            name: None,
        }
    }

    /// Answers `503 {"message"}` when the handler has not answered within
    /// `deadline`.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Gives CORS permission to exactly `origins` (each `scheme://host` with
    /// an optional port, no path, compared exactly); an empty list gives it
    /// to none.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for `*` or anything that is not an
    /// origin.
    pub fn with_cors_origins<O: AsRef<str>>(
        mut self,
        origins: impl IntoIterator<Item = O>,
    ) -> Result<Self, Error> {
        self.cors_origins = origins
            .into_iter()
            .map(|origin| {
                let origin = origin.as_ref().trim();
                if is_origin(origin) {
                    Ok(origin.to_owned())
                } else {
                    Err(Error::with_message(
                        ErrorKind::InvalidConfig,
                        "a CORS origin must look like https://example.com",
                    ))
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(self)
    }

    /// Also lets browsers send the request header `name`, such as a header
    /// input's (see
    /// [`PluginConfig::with_header_input`](crate::PluginConfig::with_header_input)).
    ///
    /// # Panics
    /// When `name` is not a valid header name: a mistake in the setup.
    pub fn with_cors_header(mut self, name: &str) -> Self {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        assert!(
            !name.is_empty() && name.bytes().all(token),
            "a CORS header must be a valid header name"
        );
        self.cors_headers.push(name.to_ascii_lowercase());
        self
    }

    /// Counts the route's calls under the name `route` and the preset
    /// `preset` ([`PLUGIN_CALLS`](crate::metrics::PLUGIN_CALLS) and
    /// [`PLUGIN_CALL_SECONDS`](crate::metrics::PLUGIN_CALL_SECONDS), through
    /// a [`CallMeter`]). `route` is a short name of the code's, such as
    /// `claim-number`, bounded by construction; `preset` one of
    /// [`PRESETS`](crate::metrics::PRESETS). A route given no name is not
    /// counted there.
    ///
    /// # Panics
    /// When `preset` is not one of [`PRESETS`](crate::metrics::PRESETS): a
    /// mistake in the setup.
    pub fn with_name(mut self, route: &'static str, preset: &'static str) -> Self {
        assert!(
            crate::metrics::PRESETS.contains(&preset),
            "a plugin preset must be one of {:?}",
            crate::metrics::PRESETS
        );
        self.name = Some((route, preset));
        self
    }

    /// The route's name and preset, if it was given them
    /// ([`with_name`](Self::with_name)).
    pub fn name(&self) -> Option<(&'static str, &'static str)> {
        self.name
    }

    /// A new meter of the route's calls, if it was given a name: what the
    /// adapters' `plugin_with` keeps for the route.
    pub fn meter(&self) -> Option<CallMeter> {
        self.name
            .map(|(route, preset)| CallMeter::new(route, preset))
    }

    /// How long a handler may run.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The origins given CORS permission.
    pub fn cors_origins(&self) -> &[String] {
        &self.cors_origins
    }

    /// The request headers browsers may send: [`CORS_ALLOWED_HEADERS`] and
    /// those added with [`with_cors_header`](Self::with_cors_header).
    pub fn cors_allowed_headers(&self) -> impl Iterator<Item = &str> {
        CORS_ALLOWED_HEADERS
            .iter()
            .copied()
            .chain(self.cors_headers.iter().map(String::as_str))
    }
}

impl Default for RouteOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// `http://` or `https://`, then a host of visible ASCII with no path,
/// query, user or wildcard.
fn is_origin(text: &str) -> bool {
    let Some(host) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        for good in [
            "https://bitbadges.io",
            "http://localhost:3000",
            "http://[::1]:8080",
            " https://a.b ",
        ] {
            assert!(is_origin(good.trim()), "{good}");
        }
        for bad in [
            "*",
            "",
            "bitbadges.io",
            "https://",
            "https://a.b/",
            "https://a.b/path",
            "https://user@a.b",
            "https://*.b",
            "ftp://a.b",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
        let none = RouteOptions::new()
            .with_cors_origins(Vec::<String>::new())
            .unwrap();
        assert!(none.cors_origins().is_empty());
    }

    #[test]
    #[should_panic(expected = "header name")]
    fn bad_header_names_panic() {
        let _ = RouteOptions::new().with_cors_header("x key");
    }
}
