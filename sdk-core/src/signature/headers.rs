//! Reading request headers without depending on a framework's types.

use crate::{Error, ErrorKind};

/// Read access to a request's headers: every value of a header, by name.
///
/// The core takes headers through this trait rather than `http::HeaderMap`,
/// because axum and actix-web depend on different major versions of `http`.
/// The adapters wrap their framework's header map in a newtype implementing
/// it; slices, arrays and vectors of `(name, value)` pairs implement it for
/// tests and other integrations.
///
/// Names are always asked for in lowercase ASCII. An implementation whose
/// names are not normalized compares them ASCII case-insensitively, as the
/// pair collections here do.
///
/// ```
/// use claimkit::signature::Headers;
///
/// let headers = [("Webhook-Id", "msg_1"), ("content-type", "application/json")];
/// let ids: Vec<&[u8]> = headers.get_all("webhook-id").collect();
/// assert_eq!(ids, [b"msg_1"]);
/// assert_eq!(headers.get_all("webhook-timestamp").count(), 0);
/// ```
pub trait Headers {
    /// Every value of the header `name` (lowercase ASCII), in the order the
    /// request carried them.
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]>;
}

impl<N: AsRef<str>, V: AsRef<[u8]>> Headers for [(N, V)] {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.iter()
            .filter(move |(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>, const K: usize> Headers for [(N, V); K] {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.as_slice().get_all(name)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(N, V)> {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.as_slice().get_all(name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        (**self).get_all(name)
    }
}

/// The one value of the header `name`, without surrounding spaces or tabs.
///
/// `Ok(None)` when the header is absent or empty.
///
/// ```
/// use claimkit::signature::single_header;
///
/// let headers = [("x-hub-signature-256", " sha256=00ff ")];
/// assert_eq!(single_header(&headers, "x-hub-signature-256")?, Some("sha256=00ff"));
/// assert_eq!(single_header(&headers, "x-github-delivery")?, None);
///
/// let twice = [("x-a", "1"), ("X-A", "2")];
/// assert_eq!(single_header(&twice, "x-a").unwrap_err().status(), 400);
/// # Ok::<(), claimkit::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::MalformedSignature`] (`400`) when the header appears more
/// than once, or when its value holds anything but visible ASCII, spaces and
/// tabs.
pub fn single_header<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &str,
) -> Result<Option<&'h str>, Error> {
    let mut values = headers.get_all(name);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(malformed("a signature header appears more than once"));
    }
    // Without short-circuiting, the check compiles to a vectorized loop.
    let visible = value.iter().fold(true, |ok, &b| {
        ok & ((b == b'\t') | ((b' '..=b'~').contains(&b)))
    });
    if !visible {
        return Err(malformed("a signature header holds non-ASCII bytes"));
    }
    let value = std::str::from_utf8(value)
        .map_err(|_| malformed("a signature header holds non-ASCII bytes"))?
        .trim_matches([' ', '\t']);
    Ok((!value.is_empty()).then_some(value))
}

/// A [`single_header`] that must be present.
pub(crate) fn required_header<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &str,
    missing: &'static str,
) -> Result<&'h str, Error> {
    single_header(headers, name)?
        .ok_or_else(|| Error::with_message(ErrorKind::MissingSignature, missing))
}

pub(crate) fn malformed(message: &'static str) -> Error {
    Error::with_message(ErrorKind::MalformedSignature, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_collection_finds_values_case_insensitively() {
        let owned: Vec<(String, Vec<u8>)> = vec![
            ("Webhook-Id".into(), b"a".to_vec()),
            ("webhook-id".into(), b"b".to_vec()),
        ];
        assert_eq!(owned.get_all("webhook-id").count(), 2);
        let borrowed: &[(&str, &[u8])] = &[("x-one", b"1")];
        assert_eq!(borrowed.get_all("x-one").next(), Some(&b"1"[..]));
        assert_eq!((&borrowed).get_all("x-two").next(), None);
    }

    #[test]
    fn single_header_refuses_duplicates_and_non_ascii() {
        let dup = [("x-sig", "a"), ("x-sig", "a")];
        let err = single_header(&dup, "x-sig").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedSignature);
        let utf8 = [("x-sig", "caf\u{e9}")];
        assert_eq!(
            single_header(&utf8, "x-sig").unwrap_err().kind(),
            ErrorKind::MalformedSignature
        );
        let control: [(&str, &[u8]); 1] = [("x-sig", b"a\x00b")];
        assert!(single_header(&control, "x-sig").is_err());
        let blank = [("x-sig", " \t ")];
        assert_eq!(single_header(&blank, "x-sig").unwrap(), None);
        let spaced = [("x-sig", "v1,a v1,b")];
        assert_eq!(single_header(&spaced, "x-sig").unwrap(), Some("v1,a v1,b"));
    }

    #[test]
    fn required_header_reports_missing() {
        let none: [(&str, &str); 0] = [];
        let err = required_header(&none, "x-sig", "missing x").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingSignature);
        assert_eq!(err.message(), "missing x");
    }
}
