//! Stripe's combined signature header: `t=<unix>,v1=<sig>[,v1=<sig>…]`.

use super::headers::malformed;
use crate::Error;

/// A parsed Stripe-style signature header, borrowing from the header value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StripeHeader<'a> {
    /// The `t` value, exactly as sent (it is part of the signed message).
    pub(crate) timestamp: &'a str,
    value: &'a str,
}

impl<'a> StripeHeader<'a> {
    /// Finds the one `t=` entry.
    ///
    /// # Errors
    /// [`MalformedSignature`](crate::ErrorKind::MalformedSignature) when
    /// there is no `t=` entry, or more than one.
    pub(crate) fn parse(value: &'a str) -> Result<Self, Error> {
        let mut stamps = entries(value).filter_map(|(key, val)| (key == "t").then_some(val));
        let timestamp = stamps
            .next()
            .ok_or_else(|| malformed("the signature header has no timestamp"))?;
        if stamps.next().is_some() {
            return Err(malformed("the signature header has two timestamps"));
        }
        Ok(Self { timestamp, value })
    }

    /// The `v1` signatures, as written.
    pub(crate) fn signatures(&self) -> impl Iterator<Item = &'a str> {
        entries(self.value).filter_map(|(key, val)| (key == "v1").then_some(val))
    }
}

/// The `key=value` entries, comma-separated, spaces around them ignored;
/// entries without `=` are skipped.
fn entries(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value
        .split(',')
        .filter_map(|entry| entry.trim_matches(' ').split_once('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_timestamp_and_every_v1() {
        let header = StripeHeader::parse("t=1492774577,v1=aa, v0=bb ,v1=cc,junk").unwrap();
        assert_eq!(header.timestamp, "1492774577");
        assert_eq!(header.signatures().collect::<Vec<_>>(), ["aa", "cc"]);
    }

    #[test]
    fn needs_exactly_one_timestamp() {
        assert!(StripeHeader::parse("v1=aa").is_err());
        assert!(StripeHeader::parse("").is_err());
        assert!(StripeHeader::parse("t=1,t=2,v1=aa").is_err());
        let no_sigs = StripeHeader::parse("t=1").unwrap();
        assert_eq!(no_sigs.signatures().count(), 0);
    }
}
