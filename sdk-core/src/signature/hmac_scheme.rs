//! Configurable HMAC-SHA256 schemes and the presets for common senders.

use std::borrow::Cow;

use super::{Encoding, SignedContent, Tolerance};

/// Where a scheme's delivery id comes from: the key to deduplicate retries
/// on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdSource {
    /// The scheme has no delivery id.
    NoId,
    /// A header, such as GitHub's `x-github-delivery`.
    Header(Cow<'static, str>),
    /// A top-level string (or number) field of a JSON body, such as
    /// claimr's and Stripe's `id`. Read after the signature is checked,
    /// without parsing the rest of the body; a body that is not a JSON
    /// object has no id.
    JsonField(Cow<'static, str>),
}

/// An HMAC-SHA256 signature scheme: which header holds the signature, how
/// it is written, and what is signed.
///
/// Start from [`new`](HmacScheme::new) or a preset ([`github`](Self::github),
/// [`stripe`](Self::stripe), [`slack`](Self::slack),
/// [`claimr`](Self::claimr)), adjust it with the `with_` methods, and give
/// it to [`HmacVerifier::new`](super::HmacVerifier::new) with the accepted
/// secrets. Header names are matched case-insensitively.
///
/// ```
/// use claimkit::signature::{Encoding, HmacScheme, IdSource, SignedContent};
///
/// // A sender signing `{timestamp}.{body}` with base64 in `x-signature`.
/// let scheme = HmacScheme::new("x-signature")
///     .with_encoding(Encoding::Base64)
///     .with_content(SignedContent::TimestampDotBody {
///         timestamp_header: "x-timestamp".into(),
///     })
///     .with_delivery_id(IdSource::Header("x-delivery".into()));
/// assert_eq!(scheme.header(), "x-signature");
/// assert_eq!(scheme.content().timestamp_header(), Some("x-timestamp"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HmacScheme {
    header: Cow<'static, str>,
    encoding: Encoding,
    prefix: Option<Cow<'static, str>>,
    prefix_required: bool,
    content: SignedContent,
    tolerance: Tolerance,
    delivery_id: IdSource,
}

impl HmacScheme {
    /// A scheme reading a hex signature of the raw body from `header`, with
    /// no prefix and no delivery id.
    pub fn new(header: impl Into<Cow<'static, str>>) -> Self {
        Self {
            header: header.into(),
            encoding: Encoding::Hex,
            prefix: None,
            prefix_required: false,
            content: SignedContent::Body,
            tolerance: Tolerance::DEFAULT,
            delivery_id: IdSource::NoId,
        }
    }

    /// GitHub: `x-hub-signature-256: sha256=<hex>` over the raw body; the
    /// delivery id is `x-github-delivery`.
    pub fn github() -> Self {
        Self::new("x-hub-signature-256")
            .with_prefix("sha256=")
            .with_delivery_id(IdSource::Header("x-github-delivery".into()))
    }

    /// Stripe: `stripe-signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over
    /// `{t}.{body}`, five minutes of tolerance; the delivery id is the
    /// event's top-level `id`.
    ///
    /// Stripe uses the whole `whsec_…` secret, as text, as the key.
    pub fn stripe() -> Self {
        Self::new("stripe-signature")
            .with_content(SignedContent::StripeHeader)
            .with_delivery_id(IdSource::JsonField("id".into()))
    }

    /// Slack: `x-slack-signature: v0=<hex>` over
    /// `v0:{timestamp}:{body}`, the timestamp in
    /// `x-slack-request-timestamp`, five minutes of tolerance; the delivery
    /// id is the Events API's top-level `event_id` (none for slash commands
    /// and interactions, whose bodies are forms).
    pub fn slack() -> Self {
        Self::new("x-slack-signature")
            .with_prefix("v0=")
            .with_content(SignedContent::SlackV0 {
                timestamp_header: "x-slack-request-timestamp".into(),
            })
            .with_delivery_id(IdSource::JsonField("event_id".into()))
    }

    /// claimr: **claimr does not publish how it signs webhooks.** It says
    /// only that a hook's secret is used to "generate a signature that's
    /// included with each webhook request". This preset is a default, not a
    /// fact: HMAC-SHA256 of the raw body, lowercase hex, in
    /// `x-claimr-signature`, with a `sha256=` prefix accepted but not
    /// required. The delivery id is the body's top-level `id`, which claimr
    /// documents as the unique message id and repeats on every retry.
    ///
    /// Check one real delivery, then change what differs:
    ///
    /// ```
    /// use claimkit::signature::{Encoding, HmacScheme, HmacVerifier, Verifier};
    /// use claimkit::Secret;
    ///
    /// let scheme = HmacScheme::claimr()
    ///     .with_header("x-signature")
    ///     .with_encoding(Encoding::Base64)
    ///     .without_prefix();
    /// let verifier = HmacVerifier::new(scheme, Secret::new("hook secret")?)?;
    ///
    /// let body = br#"{"id":"lisjywHXKAq6yQe2bH6Pd","scope":"user_activity"}"#;
    /// let headers = [("x-signature", "+9n/OOEobSZZProzFSPmlG8F0Q/LXFC4epBOjUtTffQ=")];
    /// let verified = verifier.verify(&headers, body)?;
    /// assert_eq!(verified.delivery_id(), Some("lisjywHXKAq6yQe2bH6Pd"));
    /// # Ok::<(), claimkit::Error>(())
    /// ```
    pub fn claimr() -> Self {
        Self::new("x-claimr-signature")
            .with_optional_prefix("sha256=")
            .with_delivery_id(IdSource::JsonField("id".into()))
    }

    /// Reads the signature from `header` instead.
    pub fn with_header(mut self, header: impl Into<Cow<'static, str>>) -> Self {
        self.header = header.into();
        self
    }

    /// Reads signatures written in `encoding`.
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Requires the signature to start with `prefix`, such as `sha256=`
    /// (compared exactly).
    pub fn with_prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.prefix = Some(prefix.into());
        self.prefix_required = true;
        self
    }

    /// Accepts the signature with or without `prefix`.
    pub fn with_optional_prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.prefix = Some(prefix.into());
        self.prefix_required = false;
        self
    }

    /// Expects no prefix.
    pub fn without_prefix(mut self) -> Self {
        self.prefix = None;
        self.prefix_required = false;
        self
    }

    /// Signs `content` instead of the raw body.
    pub fn with_content(mut self, content: SignedContent) -> Self {
        self.content = content;
        self
    }

    /// Accepts signed timestamps within `tolerance` of the clock (default:
    /// five minutes each way). Unused when no timestamp is signed.
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Reads the delivery id from `source`.
    pub fn with_delivery_id(mut self, source: IdSource) -> Self {
        self.delivery_id = source;
        self
    }

    /// The signature header's name.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// How the signature is written.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The prefix before the signature, if any.
    pub fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    /// Whether the prefix must be present (rather than merely accepted).
    pub fn prefix_required(&self) -> bool {
        self.prefix.is_some() && self.prefix_required
    }

    /// What is signed.
    pub fn content(&self) -> &SignedContent {
        &self.content
    }

    /// The accepted distance between signed timestamps and the clock.
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }

    /// Where the delivery id comes from.
    pub fn delivery_id(&self) -> &IdSource {
        &self.delivery_id
    }

    /// The same scheme with every header name in lowercase, or `None` when
    /// a name is empty or not an HTTP token.
    pub(crate) fn normalized(mut self) -> Option<Self> {
        fn lower(name: &mut Cow<'static, str>) -> bool {
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if name.is_empty() || !name.bytes().all(token) {
                return false;
            }
            if name.bytes().any(|b| b.is_ascii_uppercase()) {
                *name = Cow::Owned(name.to_ascii_lowercase());
            }
            true
        }
        let mut ok = lower(&mut self.header);
        if let SignedContent::TimestampDotBody { timestamp_header }
        | SignedContent::SlackV0 { timestamp_header } = &mut self.content
        {
            ok &= lower(timestamp_header);
        }
        if let IdSource::Header(name) = &mut self.delivery_id {
            ok &= lower(name);
        }
        if self.prefix.as_deref() == Some("") {
            self.prefix = None;
        }
        ok.then_some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_say_what_they_read() {
        let github = HmacScheme::github();
        assert_eq!(github.header(), "x-hub-signature-256");
        assert_eq!(github.prefix(), Some("sha256="));
        assert!(github.prefix_required());
        assert_eq!(github.content(), &SignedContent::Body);
        assert!(!github.content().signs_timestamp());

        let claimr = HmacScheme::claimr();
        assert_eq!(claimr.header(), "x-claimr-signature");
        assert_eq!(claimr.encoding(), Encoding::Hex);
        assert!(!claimr.prefix_required());
        assert_eq!(claimr.delivery_id(), &IdSource::JsonField("id".into()));

        let slack = HmacScheme::slack();
        assert_eq!(
            slack.content().timestamp_header(),
            Some("x-slack-request-timestamp")
        );
        assert_eq!(HmacScheme::stripe().content(), &SignedContent::StripeHeader);
        assert!(HmacScheme::stripe().content().signs_timestamp());
        assert_eq!(HmacScheme::stripe().tolerance(), Tolerance::DEFAULT);
        assert!(!HmacScheme::github().without_prefix().prefix_required());
    }

    #[test]
    fn normalized_lowercases_and_refuses_bad_names() {
        let scheme = HmacScheme::new("X-Sig")
            .with_content(SignedContent::TimestampDotBody {
                timestamp_header: "X-Ts".into(),
            })
            .with_delivery_id(IdSource::Header("X-Id".into()))
            .with_prefix("")
            .normalized()
            .unwrap();
        assert_eq!(scheme.header(), "x-sig");
        assert_eq!(scheme.content().timestamp_header(), Some("x-ts"));
        assert_eq!(scheme.delivery_id(), &IdSource::Header("x-id".into()));
        assert_eq!(scheme.prefix(), None);
        assert!(HmacScheme::new("").normalized().is_none());
        assert!(HmacScheme::new("x sig").normalized().is_none());
        assert!(HmacScheme::new("x-sig")
            .with_delivery_id(IdSource::Header("é".into()))
            .normalized()
            .is_none());
    }
}
