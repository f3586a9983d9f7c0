//! Store URLs, read with the `url` crate: the scheme that picks a backend,
//! this crate's own options (`?capacity=`, `?schema=`, `?prefix=`,
//! percent-decoded), and a form of the URL fit for a log.

use claimkit::{Error, ErrorKind};
use url::Url;

/// What `Store::connect` accepts, for messages.
pub(crate) const EXPECTED: &str = if cfg!(feature = "sqlite") {
    "memory:, sqlite:PATH, postgres://… or redis://…"
} else {
    "memory:, postgres://… or redis://…"
};

/// `url` parsed, or [`ErrorKind::InvalidConfig`] saying why, never
/// holding the URL itself (it may carry a password).
pub(crate) fn parse(url: &str) -> Result<Url, Error> {
    Url::parse(url).map_err(|err| {
        Error::with_message(
            ErrorKind::InvalidConfig,
            format!("invalid store URL ({err}): expected {}", EXPECTED),
        )
    })
}

/// `url` without its query parameter `name`, and that parameter's value,
/// percent-decoded; the last one wins when it is given twice.
pub(crate) fn take_param(mut url: Url, name: &str) -> (Url, Option<String>) {
    let mut value = None;
    let rest: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(key, v)| {
            if key == name {
                value = Some(v.into_owned());
                None
            } else {
                Some((key.into_owned(), v.into_owned()))
            }
        })
        .collect();
    if rest.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(rest);
    }
    (url, value)
}

/// `url` with its password, if any, replaced by `***`: what a log may show
/// (and nothing of a URL that does not parse).
#[cfg(any(feature = "postgres", feature = "redis"))]
pub(crate) fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(url) => redact_parsed(&url),
        Err(_) => "(a URL that does not parse)".to_owned(),
    }
}

#[cfg(any(feature = "postgres", feature = "redis"))]
fn redact_parsed(url: &Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    match shown.set_password(Some("***")) {
        Ok(()) => shown.to_string(),
        Err(()) => format!("{}://***", url.scheme()),
    }
}

/// The file path of a `sqlite:` URL, percent-decoded: `sqlite:PATH`,
/// `sqlite://PATH` (relative) or `sqlite:///PATH` (absolute).
#[cfg(feature = "sqlite")]
pub(crate) fn sqlite_path(url: &Url) -> Option<String> {
    let host = url.host_str().unwrap_or("");
    let joined = format!("{host}{}", url.path());
    let path = percent_encoding::percent_decode_str(&joined)
        .decode_utf8()
        .ok()?
        .into_owned();
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        parse(text).unwrap()
    }

    #[test]
    fn params_are_taken_out_and_decoded() {
        let (rest, schema) = take_param(url("postgres://h/db?schema=a&sslmode=disable"), "schema");
        assert_eq!(rest.as_str(), "postgres://h/db?sslmode=disable");
        assert_eq!(schema.as_deref(), Some("a"));
        let (rest, prefix) = take_param(url("redis://h/?prefix=p%7Bq%20r"), "prefix");
        assert_eq!(rest.as_str(), "redis://h/");
        assert_eq!(prefix.as_deref(), Some("p{q r"));
        let (rest, prefix) = take_param(url("redis://h/"), "prefix");
        assert_eq!((rest.as_str(), prefix), ("redis://h/", None));
    }

    #[test]
    #[cfg(any(feature = "postgres", feature = "redis"))]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cr%40t@db:5432/app?x=1"),
            "postgres://app:***@db:5432/app?x=1"
        );
        assert_eq!(redact("redis://:hunter2@cache/0"), "redis://:***@cache/0");
        assert_eq!(redact("redis://cache:6379"), "redis://cache:6379");
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
    }

    #[test]
    #[cfg(feature = "sqlite")]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path(&url("sqlite:claimkit.db")).unwrap(),
            "claimkit.db"
        );
        assert_eq!(
            sqlite_path(&url("sqlite://data/c.db")).unwrap(),
            "data/c.db"
        );
        assert_eq!(
            sqlite_path(&url("sqlite:///tmp/c.db")).unwrap(),
            "/tmp/c.db"
        );
        assert_eq!(
            sqlite_path(&url("sqlite:/tmp/a%20b.db")).unwrap(),
            "/tmp/a b.db"
        );
        assert_eq!(sqlite_path(&url("sqlite:")), None);
        assert_eq!(sqlite_path(&url("sqlite://")), None);
    }

    #[test]
    fn an_invalid_url_says_why_without_itself() {
        let err = parse("db.internal/s3cret").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(!err.message().contains("s3cret"), "{}", err.message());
    }
}
