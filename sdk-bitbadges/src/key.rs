//! The API key: redacted in `Debug`, zeroized on drop.

use std::fmt;

use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use crate::Error;

/// A BitBadges API key, sent in the `x-api-key` header of every request.
///
/// Its `Debug` output is redacted and its bytes are zeroized when it is
/// dropped. It never appears in an [`Error`] or a log line. Each request
/// carries it in a header value marked sensitive (so HTTP/2 never indexes
/// it); that short-lived copy belongs to the HTTP stack and is freed, not
/// zeroized, when the request ends.
///
/// ```
/// use claimkit_bitbadges::ApiKey;
///
/// let key = ApiKey::new("bb-4f2c9e")?;
/// assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
/// assert!(ApiKey::new("").is_err());
/// assert!(ApiKey::new("two\nlines").is_err());
/// # Ok::<(), claimkit_bitbadges::Error>(())
/// ```
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// Wraps an API key.
    ///
    /// Surrounding whitespace is removed (a key pasted into an environment
    /// file often ends in a newline).
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the key is empty, or holds a character
    /// that cannot travel in an HTTP header (a control character or a
    /// non-ASCII one). The message never repeats the key.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = Zeroizing::new(key.into());
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(Error::config("the API key is empty"));
        }
        if !trimmed.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(Error::config(
                "the API key holds a character that cannot be sent in a header \
                 (only visible ASCII characters are allowed)",
            ));
        }
        if trimmed.len() == key.len() {
            return Ok(Self(key));
        }
        Ok(Self(Zeroizing::new(trimmed.to_owned())))
    }

    /// The key itself. Handle with care: never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `x-api-key` header value, marked sensitive.
    pub(crate) fn header_value(&self) -> HeaderValue {
        // `new` admits visible ASCII only, which every header value accepts.
        let mut value = HeaderValue::from_str(&self.0)
            .unwrap_or_else(|_| unreachable!("ApiKey::new admits visible ASCII only"));
        value.set_sensitive(true);
        value
    }

    /// `text` with every occurrence of the key replaced by `[REDACTED]`:
    /// for messages that come from the API, in case one echoes the key.
    pub(crate) fn redact_from(&self, text: &str) -> String {
        text.replace(self.0.as_str(), "[REDACTED]")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl TryFrom<&str> for ApiKey {
    type Error = Error;
    fn try_from(value: &str) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl TryFrom<String> for ApiKey {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let key = ApiKey::new(" bb-key\n").unwrap();
        assert_eq!(key.expose(), "bb-key");
    }

    #[test]
    fn refusals_never_repeat_the_key() {
        for bad in ["bad key with spaces", "tab\tkey", "ключ-secret"] {
            let err = ApiKey::new(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("key with"), "{shown}");
            assert!(!shown.contains("secret"), "{shown}");
            assert!(!shown.contains("tab\t"), "{shown}");
        }
    }

    #[test]
    fn the_header_value_is_sensitive() {
        let value = ApiKey::new("bb-key").unwrap().header_value();
        assert!(value.is_sensitive());
        assert_eq!(value.as_bytes(), b"bb-key");
        assert_eq!(format!("{value:?}"), "Sensitive");
    }

    #[test]
    fn an_echoed_key_is_redacted() {
        let key = ApiKey::new("bb-key-123").unwrap();
        assert_eq!(
            key.redact_from("invalid key bb-key-123 given"),
            "invalid key [REDACTED] given"
        );
    }
}
