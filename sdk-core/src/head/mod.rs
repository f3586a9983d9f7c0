//! The HTTP head of a plugin call, checked before its body is read: the
//! methods a plugin is called with, where each carries the call's fields
//! ([`Source`]), the declared `Content-Length` and the content type.
//!
//! These rules are written here once: [`PluginConfig::check_head`](crate::PluginConfig::check_head),
//! the `405` [`Error`]'s message and `Allow` header, the CORS methods
//! ([`CORS_ALLOWED_METHODS`](crate::CORS_ALLOWED_METHODS)), the webhook
//! gate's length check and the adapters' method routing all derive from
//! them.

mod method;

pub(crate) use method::METHOD_NOT_ALLOWED;
pub use method::{Source, ALLOWED_METHODS, METHODS};

use crate::{Error, ErrorKind};

/// Checks a plugin call's method and headers before its body is read, and
/// says where its fields are; `content_type` and `content_length` are the
/// raw header values, not looked at for a `GET`. See
/// [`PluginConfig::check_head`](crate::PluginConfig::check_head).
pub(crate) fn check(
    method: &str,
    content_type: Option<&[u8]>,
    content_length: Option<&[u8]>,
    limit: usize,
) -> Result<Source, Error> {
    let source = match Source::of_method(method) {
        Some(Source::Query) => return Ok(Source::Query),
        Some(Source::Body) => Source::Body,
        None => return Err(Error::new(ErrorKind::MethodNotAllowed)),
    };
    if let Some(content_type) = content_type {
        if !is_json(content_type) {
            return Err(Error::new(ErrorKind::UnsupportedMediaType));
        }
    }
    check_content_length(content_length, limit)?;
    Ok(source)
}

/// Refuses a body whose declared length is over `limit`, before it is read.
pub(crate) fn check_content_length(
    content_length: Option<&[u8]>,
    limit: usize,
) -> Result<(), Error> {
    let Some(length) = content_length else {
        return Ok(());
    };
    let length = parse_content_length(length).ok_or_else(|| {
        Error::with_message(ErrorKind::MalformedBody, "invalid Content-Length header")
    })?;
    if length > limit as u64 {
        return Err(Error::body_too_large(limit));
    }
    Ok(())
}

/// A `Content-Length` value: a non-empty run of ASCII digits, with optional
/// whitespace around it; `None` on anything else or on overflow.
pub(crate) fn parse_content_length(value: &[u8]) -> Option<u64> {
    let digits = value.trim_ascii();
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// `application/json`, `application/<anything>+json`, with any parameters.
pub(crate) fn is_json(content_type: &[u8]) -> bool {
    // What the platform sends, compared whole before the general rule
    // (a few hundred instructions a call, BENCHMARKS.md).
    if content_type == b"application/json" {
        return true;
    }
    let essence = match content_type.iter().position(|&b| b == b';') {
        Some(end) => &content_type[..end],
        None => content_type,
    };
    let essence = essence.trim_ascii();
    let Some(slash) = essence.iter().position(|&b| b == b'/') else {
        return false;
    };
    let (kind, subtype) = (&essence[..slash], &essence[slash + 1..]);
    kind.eq_ignore_ascii_case(b"application")
        && subtype.is_ascii()
        && (subtype.eq_ignore_ascii_case(b"json")
            || subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_lengths() {
        for (header, expected) in [
            (&b"12"[..], Ok(())),
            (b" 12 ", Ok(())),
            (b"0", Ok(())),
            (b"65536", Ok(())),
            (b"65537", Err(ErrorKind::BodyTooLarge)),
            (b"99999999999999999999999", Err(ErrorKind::MalformedBody)),
            (b"", Err(ErrorKind::MalformedBody)),
            (b"+5", Err(ErrorKind::MalformedBody)),
            (b"-1", Err(ErrorKind::MalformedBody)),
            (b"1a", Err(ErrorKind::MalformedBody)),
            (b"1 2", Err(ErrorKind::MalformedBody)),
        ] {
            let got = check_content_length(Some(header), 65536).map_err(|err| err.kind());
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(header));
        }
        assert!(check_content_length(None, 0).is_ok());
    }

    #[test]
    fn json_content_types() {
        for ok in [
            &b"application/json"[..],
            b"application/json; charset=utf-8",
            b"Application/JSON",
            b"application/vnd.api+json",
            b" application/json ;charset=utf-8",
        ] {
            assert!(is_json(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"text/plain"[..],
            b"application/x-www-form-urlencoded",
            b"application/jsonp",
            b"application/+json",
            b"json",
            b"\xff",
            b"application/\xff+json",
            b"",
        ] {
            assert!(!is_json(bad), "{}", String::from_utf8_lossy(bad));
        }
    }
}
