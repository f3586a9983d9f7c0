//! The one error type of claimkit and its kinds.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// What an [`Error`] keeps as its [`source`](std::error::Error::source).
type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong, as a value a program can match on.
///
/// Each kind knows its HTTP status ([`ErrorKind::status`]). New kinds may be
/// added in minor releases, so matches need a `_` arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request carried no `pluginSecret` (or an empty one). `401`.
    MissingSecret,
    /// The request's `pluginSecret` matched none of the accepted secrets. `401`.
    InvalidSecret,
    /// The body or query string could not be read as a request at all:
    /// invalid JSON, not a JSON object, a malformed query. `400`.
    MalformedBody,
    /// A field had the wrong type, a value out of range, or was missing. `400`.
    InvalidField,
    /// The body was larger than the configured limit. `413`.
    BodyTooLarge,
    /// The request's `Content-Type` was neither absent nor JSON. `415`.
    UnsupportedMediaType,
    /// The HTTP method is not one a plugin is called with (see
    /// [`head::METHODS`](crate::head::METHODS)). `405`.
    MethodNotAllowed,
    /// A signature header was absent. `400`.
    MissingSignature,
    /// A signature or timestamp header could not be parsed. `400`.
    MalformedSignature,
    /// No signature matched any accepted secret. `401`.
    InvalidSignature,
    /// The signed timestamp is outside the accepted tolerance. `401`.
    StaleTimestamp,
    /// The handler did not answer before the deadline. `503`.
    Timeout,
    /// A store the plugin depends on is full or cannot be reached. `503`.
    Unavailable,
    /// The claim has no claim number left below its bound (`maxUses`). `409`.
    Exhausted,
    /// The same delivery is being handled right now (a retry arrived while
    /// the first is in flight): the sender should retry later. `409`.
    InProgress,
    /// The plugin's own response broke the protocol, for example a key
    /// containing `.` or a success with an empty claim token. `500`.
    InvalidResponse,
    /// The server is misconfigured: an empty secret, a missing
    /// configuration. `500`.
    InvalidConfig,
    /// A queued action's payload could not be written as, or read back
    /// as, the action's type (its [`source`](std::error::Error::source) is
    /// serde's error). It arises in the action queue and its runner, never
    /// from a request; `500` if a handler answers with it.
    InvalidPayload,
}

impl ErrorKind {
    /// The HTTP status code this kind of error answers with.
    ///
    /// ```
    /// use claimkit::ErrorKind;
    /// assert_eq!(ErrorKind::InvalidSecret.status(), 401);
    /// assert_eq!(ErrorKind::BodyTooLarge.status(), 413);
    /// ```
    pub const fn status(self) -> u16 {
        match self {
            Self::MissingSecret | Self::InvalidSecret => 401,
            Self::InvalidSignature | Self::StaleTimestamp => 401,
            Self::MalformedBody | Self::InvalidField => 400,
            Self::MissingSignature | Self::MalformedSignature => 400,
            Self::BodyTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::MethodNotAllowed => 405,
            Self::Timeout | Self::Unavailable => 503,
            Self::Exhausted | Self::InProgress => 409,
            Self::InvalidResponse | Self::InvalidConfig | Self::InvalidPayload => 500,
        }
    }

    /// The default public message for this kind.
    pub const fn default_message(self) -> &'static str {
        match self {
            Self::MissingSecret => "missing plugin secret",
            Self::InvalidSecret => "invalid plugin secret",
            Self::MalformedBody => "malformed request",
            Self::InvalidField => "invalid field",
            Self::BodyTooLarge => "request body too large",
            Self::UnsupportedMediaType => "unsupported content type: expected application/json",
            Self::MethodNotAllowed => crate::head::METHOD_NOT_ALLOWED,
            Self::MissingSignature => "missing signature",
            Self::MalformedSignature => "malformed signature header",
            Self::InvalidSignature => "invalid signature",
            Self::StaleTimestamp => "timestamp outside the accepted tolerance",
            Self::Timeout => "the plugin did not answer in time",
            Self::Unavailable => "the plugin is unavailable; try again later",
            Self::Exhausted => "no claim numbers left",
            Self::InProgress => "this delivery is being handled; try again later",
            Self::InvalidResponse => "internal error",
            Self::InvalidConfig => "internal error",
            Self::InvalidPayload => "internal error",
        }
    }
}

/// The error type of claimkit.
///
/// Opaque by design: inspect it with [`kind`](Error::kind),
/// [`status`](Error::status), [`message`](Error::message) and
/// [`field`](Error::field). The message is safe to show a claiming user: it
/// never contains a secret, a signature or the raw request. What caused it
/// (a store's driver error, for example) is its
/// [`source`](std::error::Error::source), for logs, never sent.
///
/// ```
/// use claimkit::{Error, ErrorKind};
///
/// let err = Error::new(ErrorKind::BodyTooLarge);
/// assert_eq!(err.status(), 413);
/// assert_eq!(err.to_string(), "request body too large");
/// ```
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: Cow<'static, str>,
    field: Option<Box<str>>,
    allow: Option<&'static str>,
    source: Option<Source>,
}

impl Error {
    /// An error of `kind` with the kind's default message.
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            message: Cow::Borrowed(kind.default_message()),
            field: None,
            allow: (kind == ErrorKind::MethodNotAllowed).then_some(crate::head::ALLOWED_METHODS),
            source: None,
        }
    }

    /// The [`ErrorKind::Unavailable`] error of a store that failed or did
    /// not answer in time, with `cause` as its
    /// [`source`](std::error::Error::source): every backend answers a
    /// failure with it, so that the caller reads one message (`503
    /// {"message": "the plugin's store is unavailable; try again later"}`)
    /// and the operator's log has the cause.
    ///
    /// ```
    /// use std::error::Error as _;
    /// let err = claimkit::Error::unavailable("connection refused");
    /// assert_eq!(err.status(), 503);
    /// assert_eq!(err.message(), "the plugin's store is unavailable; try again later");
    /// assert_eq!(err.source().unwrap().to_string(), "connection refused");
    /// ```
    pub fn unavailable(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::with_message(ErrorKind::Unavailable, Self::STORE_UNAVAILABLE).with_source(cause)
    }

    /// What a caller reads when a store fails.
    const STORE_UNAVAILABLE: &'static str = "the plugin's store is unavailable; try again later";

    /// This error with `cause` as its [`source`](std::error::Error::source):
    /// what went wrong underneath, for logs. It is never sent to a caller,
    /// but a log shows it: put no secret in it.
    pub fn with_source(
        mut self,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.source = Some(Arc::from(cause.into()));
        self
    }

    /// A [`ErrorKind::MethodNotAllowed`] error for an endpoint that accepts
    /// only `allowed` (an `Allow` header value such as `"POST"`).
    ///
    /// ```
    /// let err = claimkit::Error::method_not_allowed("POST");
    /// assert_eq!(err.status(), 405);
    /// assert_eq!(err.allowed_methods(), Some("POST"));
    /// assert_eq!(err.message(), "method not allowed: expected POST");
    /// ```
    pub fn method_not_allowed(allowed: &'static str) -> Self {
        Self {
            allow: Some(allowed),
            ..Self::with_message(
                ErrorKind::MethodNotAllowed,
                format!("method not allowed: expected {allowed}"),
            )
        }
    }

    /// An error of `kind` with a public message of your own.
    ///
    /// The message is sent to the caller: never put a secret, a signature or
    /// raw input in it.
    pub fn with_message(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            allow: (kind == ErrorKind::MethodNotAllowed).then_some(crate::head::ALLOWED_METHODS),
            source: None,
        }
    }

    /// An [`ErrorKind::InvalidField`] error naming `field` (a path such as
    /// `discord.id` or `items[2]`) and what was wrong with it.
    pub(crate) fn invalid_field(field: &str, problem: &str) -> Self {
        let message = if field.is_empty() {
            format!("invalid request: {problem}")
        } else {
            format!("invalid field `{field}`: {problem}")
        };
        Self {
            kind: ErrorKind::InvalidField,
            message: Cow::Owned(message),
            field: (!field.is_empty()).then(|| field.into()),
            allow: None,
            source: None,
        }
    }

    /// The error answered when a handler is still running at the `deadline`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let err = claimkit::Error::timeout(Duration::from_secs(5));
    /// assert_eq!(err.status(), 503);
    /// assert_eq!(err.message(), "the plugin did not answer within 5 s");
    /// ```
    pub fn timeout(deadline: std::time::Duration) -> Self {
        Self::with_message(
            ErrorKind::Timeout,
            format!(
                "the plugin did not answer within {} s",
                deadline.as_secs_f64()
            ),
        )
    }

    /// The body-too-large error for a given limit in bytes.
    pub fn body_too_large(limit: usize) -> Self {
        Self::with_message(
            ErrorKind::BodyTooLarge,
            format!("request body too large: the limit is {limit} bytes"),
        )
    }

    /// The error for a body that could not be read to its end (the
    /// connection failed, the framing was broken), as every adapter answers
    /// it.
    pub fn unreadable_body() -> Self {
        Self::with_message(
            ErrorKind::MalformedBody,
            "the request body could not be read",
        )
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The public message, safe to send to the caller.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For a [`ErrorKind::MethodNotAllowed`] error, the methods the endpoint
    /// accepts, for the `Allow` header: a plugin's
    /// [`ALLOWED_METHODS`](crate::ALLOWED_METHODS) unless made with
    /// [`Error::method_not_allowed`].
    pub fn allowed_methods(&self) -> Option<&'static str> {
        self.allow
    }

    /// Whether the server closes the connection after this answer, and so
    /// says `Connection: close` in it (RFC 9112 §9.6): a body refused as too
    /// large ([`ErrorKind::BodyTooLarge`]) is left partly unread, so the
    /// connection cannot carry another request. A keep-alive client that
    /// reads the header sends its next request on a new connection instead
    /// of into a closed one.
    ///
    /// ```
    /// use claimkit::{Error, ErrorKind};
    /// assert!(Error::new(ErrorKind::BodyTooLarge).closes_connection());
    /// assert!(!Error::new(ErrorKind::InvalidSecret).closes_connection());
    /// ```
    pub fn closes_connection(&self) -> bool {
        self.kind == ErrorKind::BodyTooLarge
    }

    /// The field the error is about, as a path (`claimId`, `discord.id`,
    /// `items[2]`), when there is one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(field) = &self.field {
            d.field("field", field);
        }
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

/// Errors are equal when what a caller sees of them is: their kind,
/// message, field and allowed methods. Their sources are not compared.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.message == other.message
            && self.field == other.field
            && self.allow == other.allow
    }
}

impl Eq for Error {}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_client_or_server_status_and_a_message() {
        use ErrorKind::*;
        let kinds = [
            MissingSecret,
            InvalidSecret,
            MalformedBody,
            InvalidField,
            BodyTooLarge,
            UnsupportedMediaType,
            MethodNotAllowed,
            MissingSignature,
            MalformedSignature,
            InvalidSignature,
            StaleTimestamp,
            Timeout,
            Unavailable,
            Exhausted,
            InProgress,
            InvalidResponse,
            InvalidConfig,
            InvalidPayload,
        ];
        for kind in kinds {
            let status = kind.status();
            assert!((400..600).contains(&status), "{kind:?} -> {status}");
            assert!(!kind.default_message().is_empty());
            assert_eq!(Error::new(kind).message(), kind.default_message());
        }
        assert_eq!(MissingSecret.status(), 401);
        assert_eq!(InvalidField.status(), 400);
        assert_eq!(UnsupportedMediaType.status(), 415);
        assert_eq!(MethodNotAllowed.status(), 405);
        assert_eq!(Exhausted.status(), 409);
        assert_eq!(InProgress.status(), 409);
    }

    #[test]
    fn invalid_field_names_the_field() {
        let err = Error::invalid_field("discord.id", "expected a string, found integer");
        assert_eq!(err.kind(), ErrorKind::InvalidField);
        assert_eq!(err.field(), Some("discord.id"));
        assert_eq!(
            err.message(),
            "invalid field `discord.id`: expected a string, found integer"
        );
        let whole = Error::invalid_field("", "expected a JSON object");
        assert_eq!(whole.field(), None);
        assert_eq!(whole.message(), "invalid request: expected a JSON object");
    }

    #[test]
    fn the_cause_is_the_source_and_never_the_message() {
        use std::error::Error as _;
        let err = Error::unavailable("connection to db.internal:5432 refused");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(
            err.to_string(),
            "the plugin's store is unavailable; try again later"
        );
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("connection to db.internal:5432 refused")
        );
        assert!(format!("{err:?}").contains("refused"), "{err:?}");
        // A cause of its own keeps its chain.
        let wrapped = Error::new(ErrorKind::InvalidConfig).with_source(err.clone());
        let inner = wrapped.source().and_then(|s| s.source());
        assert_eq!(
            inner.map(ToString::to_string).as_deref(),
            Some("connection to db.internal:5432 refused")
        );
        assert!(Error::new(ErrorKind::Exhausted).source().is_none());
        assert_eq!(err, Error::unavailable("another cause"));
    }
}
