//! Plugin inputs that the platform sends as HTTP headers (`headerField`).

use std::borrow::Cow;

use super::{Extra, Node};
use crate::signature::Headers;
use crate::{Context, Error, RESERVED_KEYS};

/// An input read from a header: the author's key, and the header's name in
/// lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderInput {
    key: Box<str>,
    header: Box<str>,
}

impl HeaderInput {
    /// The input `key`, read from the header of the same name (compared
    /// ASCII case-insensitively).
    ///
    /// # Panics
    /// When `key` is a context key or reserved, or not a header name.
    pub(crate) fn new(key: &str) -> Self {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        assert!(
            !key.is_empty() && key.bytes().all(token),
            "a header input's name must be a valid HTTP header name"
        );
        assert!(
            !Context::is_context_key(key)
                && !RESERVED_KEYS
                    .iter()
                    .any(|reserved| reserved.eq_ignore_ascii_case(key)),
            "a header input may not use a reserved key name"
        );
        Self {
            key: key.into(),
            header: key.to_ascii_lowercase().into(),
        }
    }

    /// The input's key.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }
}

/// The inputs present among `headers`, as text. An input's header given
/// twice, or holding bytes that are not UTF-8, is refused; its value is
/// never shown.
pub(crate) fn read<'h, H: Headers + ?Sized>(
    inputs: &'h [HeaderInput],
    headers: &'h H,
) -> Result<Vec<Extra<'h>>, Error> {
    let mut extra = Vec::new();
    for input in inputs {
        let mut values = headers.get_all(&input.header);
        let Some(value) = values.next() else {
            continue;
        };
        if values.next().is_some() {
            return Err(Error::invalid_field(
                &input.key,
                "the header is given more than once",
            ));
        }
        let text = std::str::from_utf8(value)
            .map_err(|_| Error::invalid_field(&input.key, "the header is not UTF-8 text"))?;
        extra.push((&*input.key, Node::Leaf(Cow::Borrowed(text.trim()))));
    }
    Ok(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_values_stay_text() {
        let inputs = [HeaderInput::new("apiKey"), HeaderInput::new("x-region")];
        let headers = [("APIKEY", " k-1 "), ("other", "x")];
        let extra = read(&inputs, &headers[..]).unwrap();
        assert_eq!(extra, [("apiKey", Node::Leaf("k-1".into()))]);
        assert_eq!(inputs[0].key(), "apiKey");
    }

    #[test]
    fn duplicates_and_non_text_are_refused_without_the_value() {
        let inputs = [HeaderInput::new("apiKey")];
        let twice = [("apikey", "a"), ("ApiKey", "b")];
        let err = read(&inputs, &twice[..]).unwrap_err();
        assert_eq!(err.status(), 400);
        assert_eq!(err.field(), Some("apiKey"));
        let bytes: [(&str, &[u8]); 1] = [("apikey", b"\xff\xfe")];
        let err = read(&inputs, &bytes[..]).unwrap_err();
        assert!(!err.message().contains('\u{fffd}'));
    }

    #[test]
    #[should_panic(expected = "reserved")]
    fn reserved_names_are_refused() {
        let _ = HeaderInput::new("pluginSecret");
    }

    #[test]
    #[should_panic(expected = "reserved")]
    fn signature_header_names_are_refused() {
        let _ = HeaderInput::new("x-bitbadges-signature");
    }

    #[test]
    #[should_panic(expected = "header name")]
    fn invalid_header_names_are_refused() {
        let _ = HeaderInput::new("api key");
    }
}
