//! What a sender signs: the body alone, or the body with a timestamp.

use std::borrow::Cow;

/// What a sender signs, and where the timestamp comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignedContent {
    /// The raw body, nothing else (GitHub, claimr's default).
    Body,
    /// `{timestamp}.{body}`, with the UNIX timestamp in a header of its own.
    TimestampDotBody {
        /// The header holding the timestamp.
        timestamp_header: Cow<'static, str>,
    },
    /// Slack's `v0:{timestamp}:{body}`, with the UNIX timestamp in a header
    /// of its own.
    SlackV0 {
        /// The header holding the timestamp (`x-slack-request-timestamp`).
        timestamp_header: Cow<'static, str>,
    },
    /// Stripe's `{t}.{body}`, where the signature header itself reads
    /// `t=<unix>,v1=<signature>[,v1=<signature>…]`; any `v1` matching
    /// passes, other keys are ignored.
    StripeHeader,
}

impl SignedContent {
    /// The header holding a separate timestamp, if any.
    pub fn timestamp_header(&self) -> Option<&str> {
        match self {
            Self::TimestampDotBody { timestamp_header } | Self::SlackV0 { timestamp_header } => {
                Some(timestamp_header)
            }
            Self::Body | Self::StripeHeader => None,
        }
    }

    /// Whether a timestamp is signed (and so checked against a tolerance).
    pub fn signs_timestamp(&self) -> bool {
        !matches!(self, Self::Body)
    }

    /// The signed message, as up to four pieces hashed one after the other
    /// (unused pieces are empty).
    pub(crate) fn parts<'m>(&self, timestamp: &'m str, body: &'m [u8]) -> [&'m [u8]; 4] {
        let ts = timestamp.as_bytes();
        match self {
            Self::Body => [body, b"", b"", b""],
            Self::TimestampDotBody { .. } | Self::StripeHeader => [ts, b".", body, b""],
            Self::SlackV0 { .. } => [b"v0:", ts, b":", body],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_of_each_message() {
        let ts = "17";
        let joined = |c: &SignedContent| c.parts(ts, b"{}").concat();
        assert_eq!(joined(&SignedContent::Body), b"{}");
        assert_eq!(joined(&SignedContent::StripeHeader), b"17.{}");
        let slack = SignedContent::SlackV0 {
            timestamp_header: "x-slack-request-timestamp".into(),
        };
        assert_eq!(joined(&slack), b"v0:17:{}");
        assert_eq!(slack.timestamp_header(), Some("x-slack-request-timestamp"));
        assert!(slack.signs_timestamp());
        assert!(!SignedContent::Body.signs_timestamp());
    }
}
