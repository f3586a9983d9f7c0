//! The plugin endpoint's configuration, and the road of a plugin call
//! through it: the head, by the [`head`](crate::head) rules; the body, read
//! once within the limit ([`RequestBody`]); the decoding.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::decode::HeaderInput;
use crate::head::{self, Source};
use crate::signature::{Headers, PreparedSignatures, RequestSignatures, SignatureMode};
use crate::{body, decode, Error, ErrorKind, PluginRequest, RequestBody, Secrets};

/// The default body limit: 64 KiB.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// How long a plugin handler may run before it is answered `503`: 5 s.
///
/// The platform publishes two timeouts for a plugin call: 10 s (the custom
/// plugin docs, the 2026 developer docs and the sender's code) and 6 s (the
/// claims concepts page, 2026). The default stays a second inside the
/// shorter one, so that the platform records the plugin's `{"message"}`
/// rather than a timeout. Configurable per route in the adapters.
pub const DEFAULT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// How a plugin endpoint checks and decodes its requests: the accepted
/// secrets, the body limit, signed requests ([`with_signatures`](Self::with_signatures))
/// and inputs sent as headers ([`with_header_input`](Self::with_header_input)).
///
/// Cloning is cheap. Framework adapters take it from the router state
/// (axum) or `app_data` (actix-web).
///
/// ```
/// use claimkit::{PluginConfig, Secret, Secrets, Source};
///
/// let config = PluginConfig::new(Secret::new("s3cret")?).with_body_limit(16 * 1024);
/// assert_eq!(config.body_limit(), 16 * 1024);
///
/// // What an adapter does before reading a body:
/// assert_eq!(config.check_head("GET", None, None)?, Source::Query);
/// assert_eq!(config.check_head("POST", Some(b"application/json"), Some(b"120"))?, Source::Body);
/// assert_eq!(config.check_head("PATCH", None, None).unwrap_err().status(), 405);
/// assert_eq!(config.check_head("POST", Some(b"text/plain"), None).unwrap_err().status(), 415);
/// assert_eq!(config.check_head("POST", None, Some(b"999999")).unwrap_err().status(), 413);
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PluginConfig {
    secrets: Secrets,
    body_limit: usize,
    signatures: Option<PreparedSignatures>,
    header_inputs: Arc<[HeaderInput]>,
}

impl PluginConfig {
    /// A configuration accepting `secrets`, with the default body limit,
    /// signature headers ignored and no header inputs.
    pub fn new(secrets: impl Into<Secrets>) -> Self {
        Self {
            secrets: secrets.into(),
            body_limit: DEFAULT_BODY_LIMIT,
            signatures: None,
            header_inputs: Arc::new([]),
        }
    }

    /// Checks the `X-BitBadges-Signature` headers of every request as
    /// `signatures` says (see [`RequestSignatures`]: the scheme is
    /// UNCONFIRMED, hence off by default). One HMAC key per accepted secret
    /// is prepared here, once.
    pub fn with_signatures(mut self, signatures: RequestSignatures) -> Self {
        self.signatures = (signatures.mode() != SignatureMode::Off)
            .then(|| PreparedSignatures::new(signatures, &self.secrets));
        self
    }

    /// How signature headers are checked: [`SignatureMode::Off`] unless set
    /// with [`with_signatures`](Self::with_signatures).
    pub fn signature_mode(&self) -> SignatureMode {
        self.signatures
            .as_ref()
            .map_or(SignatureMode::Off, |prepared| prepared.config().mode())
    }

    /// Reads the input `key` from the request header of the same name
    /// (compared case-insensitively), for an input schema field marked
    /// `headerField`, which the platform passes "as an HTTP header instead
    /// of the body" (typically an API key hard-coded by the claim creator).
    ///
    /// The header's value joins the inputs under `key` as text, turned into
    /// a number or a boolean where the inputs type asks for one, exactly
    /// like a `GET` parameter; it takes the place of a body field of the
    /// same key. An absent header adds nothing. Header values are never
    /// logged nor shown in an error message.
    ///
    /// ```
    /// use claimkit::{PluginConfig, Secret, Source};
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Inputs {
    ///     #[serde(rename = "apiKey")]
    ///     api_key: String,
    ///     limit: u32,
    /// }
    ///
    /// let config = PluginConfig::new(Secret::new("s3cret")?)
    ///     .with_header_input("apiKey")
    ///     .with_header_input("limit");
    /// let headers = [("ApiKey", "k-123"), ("limit", "5")];
    /// let body = br#"{"pluginSecret":"s3cret"}"#;
    /// let request = config.decode::<Inputs>(Source::Body, &headers, body)?;
    /// assert_eq!(request.inputs().api_key, "k-123");
    /// assert_eq!(request.inputs().limit, 5);
    /// # Ok::<(), claimkit::Error>(())
    /// ```
    ///
    /// # Panics
    /// When `key` is not a valid header name, or is a context key or one of
    /// the [`RESERVED_KEYS`](crate::RESERVED_KEYS) (`pluginSecret`, the
    /// `X-BitBadges-*` names, ...): a mistake in the server's setup.
    pub fn with_header_input(mut self, key: &str) -> Self {
        let mut inputs = self.header_inputs.to_vec();
        inputs.push(HeaderInput::new(key));
        self.header_inputs = inputs.into();
        self
    }

    /// The keys of the inputs read from headers.
    pub fn header_inputs(&self) -> impl Iterator<Item = &str> {
        self.header_inputs.iter().map(HeaderInput::key)
    }

    /// Sets the largest body (or query string) accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The largest body (or query string) accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The accepted secrets.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Checks a request's method and headers before its body is read, and
    /// says where its fields are.
    ///
    /// `content_type` and `content_length` are the raw header values, if
    /// present. For a `GET` they are not looked at.
    ///
    /// # Errors
    /// - [`ErrorKind::MethodNotAllowed`] for a method not in
    ///   [`head::METHODS`] (`GET`, `POST`, `PUT`, `DELETE`);
    /// - [`ErrorKind::UnsupportedMediaType`] when a body's content type is
    ///   present and not JSON (`application/json`, `application/*+json`);
    /// - [`ErrorKind::BodyTooLarge`] when `Content-Length` exceeds the limit;
    /// - [`ErrorKind::MalformedBody`] when `Content-Length` is not a number.
    pub fn check_head(
        &self,
        method: &str,
        content_type: Option<&[u8]>,
        content_length: Option<&[u8]>,
    ) -> Result<Source, Error> {
        head::check(method, content_type, content_length, self.body_limit)
    }

    /// Everything before a plugin handler runs, each step once and in
    /// order: the head ([`check_head`](Self::check_head): method, content
    /// type, declared `Content-Length`); the body, read whole within the
    /// limit (for a `POST`, `PUT` or `DELETE`; a `GET` carries its fields in
    /// `query`, the query string without `?`, and its body is never read);
    /// then [`decode`](Self::decode) with the request's `headers`.
    ///
    /// A refused body is drained within [`Drain`](crate::Drain)'s bounds
    /// before the refusal answers, so that a client still sending it reads
    /// the answer: the rest of a body over the limit, or the body of a
    /// refused head, as far as its declared `Content-Length` allows.
    ///
    /// Every adapter's extractor is this one call. The decoded request's
    /// claim fields are recorded in the current span
    /// ([`crate::trace::record`]); a refusal is logged
    /// ([`crate::trace::rejected`]).
    ///
    /// # Errors
    /// Those of [`check_head`](Self::check_head) and of
    /// [`decode`](Self::decode); [`ErrorKind::BodyTooLarge`] for a body
    /// that passes the limit as it is read, [`ErrorKind::MalformedBody`] for
    /// one that cannot be read to its end.
    ///
    /// ```
    /// use claimkit::{PluginConfig, RawInputs, Secret};
    /// # futures_executor::block_on(async {
    /// let config = PluginConfig::new(Secret::new("s3cret")?);
    /// let body: &[u8] = br#"{"pluginSecret":"s3cret","claimId":"c1"}"#;
    /// let headers: &[(&str, &[u8])] = &[];
    ///
    /// let request = config
    ///     .receive::<RawInputs, _, _>("POST", None, None, b"", headers, body)
    ///     .await?;
    /// assert_eq!(request.claim_id(), Some("c1"));
    ///
    /// let refused = config
    ///     .receive::<RawInputs, _, _>("PATCH", None, None, b"", headers, body)
    ///     .await;
    /// assert_eq!(refused.unwrap_err().status(), 405);
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn receive<I, H, B>(
        &self,
        method: &str,
        content_type: Option<&[u8]>,
        content_length: Option<&[u8]>,
        query: &[u8],
        headers: &H,
        body: B,
    ) -> Result<PluginRequest<I>, Error>
    where
        I: DeserializeOwned,
        H: Headers + ?Sized,
        B: RequestBody,
    {
        let received = match self.check_head(method, content_type, content_length) {
            Ok(Source::Query) => self.decode(Source::Query, headers, query),
            Ok(Source::Body) => match body::read(body, self.body_limit).await {
                Ok(bytes) => self.decode(Source::Body, headers, bytes.as_ref()),
                Err(err) => Err(err),
            },
            Err(refusal) => Err(body::refuse(body, content_length, refusal).await),
        };
        match &received {
            Ok(request) => crate::trace::record(request),
            Err(err) => crate::trace::rejected(err),
        }
        received
    }

    /// Decodes a request whose fields are in `raw`: the JSON body for
    /// [`Source::Body`], the query string (without `?`) for
    /// [`Source::Query`]. This is what the adapters call, with the request's
    /// headers seen through [`Headers`].
    ///
    /// In order: the size check; the signature headers, when
    /// [`with_signatures`](Self::with_signatures) asks for them, over `raw`
    /// exactly as received; the `pluginSecret`, in constant time; then the
    /// context and the inputs (with [header inputs](Self::with_header_input))
    /// in one pass. `I` is deserialized only for a request that passed every
    /// check.
    ///
    /// # Errors
    /// [`ErrorKind::BodyTooLarge`]; [`ErrorKind::InvalidSignature`] or
    /// [`ErrorKind::StaleTimestamp`] (`401`) for a signature that is
    /// missing where required, malformed, outside the tolerance or wrong;
    /// [`ErrorKind::MalformedBody`], [`ErrorKind::MissingSecret`],
    /// [`ErrorKind::InvalidSecret`] or [`ErrorKind::InvalidField`], with a
    /// message naming the field.
    pub fn decode<I: DeserializeOwned>(
        &self,
        source: Source,
        headers: &(impl Headers + ?Sized),
        raw: &[u8],
    ) -> Result<PluginRequest<I>, Error> {
        if raw.len() > self.body_limit {
            return Err(Error::body_too_large(self.body_limit));
        }
        if let Some(signatures) = &self.signatures {
            signatures.verify(headers, raw)?;
        }
        let extra = decode::header_inputs(&self.header_inputs, headers)?;
        let decoded = match source {
            Source::Body => decode::json(raw, &self.secrets, &extra),
            Source::Query => match std::str::from_utf8(raw) {
                Ok(query) => decode::query(query, &self.secrets, &extra),
                Err(_) => Err(Error::with_message(
                    ErrorKind::MalformedBody,
                    "malformed query: not UTF-8",
                )),
            },
        };
        decoded.map_err(|err| self.scrub(err))
    }

    /// Decodes a JSON body into a request whose inputs are `I`: a
    /// [`decode`](Self::decode) of a request without headers (so a
    /// configuration that requires signatures refuses it).
    ///
    /// The secret is checked first, in constant time; `I` is deserialized
    /// only for a request with an accepted secret.
    ///
    /// # Errors
    /// [`ErrorKind::BodyTooLarge`], [`ErrorKind::MalformedBody`],
    /// [`ErrorKind::MissingSecret`], [`ErrorKind::InvalidSecret`] or
    /// [`ErrorKind::InvalidField`], with a message naming the field; as
    /// [`decode`](Self::decode) when signatures are required.
    pub fn decode_json<I: DeserializeOwned>(&self, body: &[u8]) -> Result<PluginRequest<I>, Error> {
        self.decode(Source::Body, NO_HEADERS, body)
    }

    /// Decodes a `GET` query string (without the leading `?`), encoded the
    /// way axios encodes `params`, from a request without headers. Text
    /// becomes a number or a boolean only where `I` (or the context field)
    /// asks for one.
    ///
    /// # Errors
    /// As [`decode_json`](Self::decode_json).
    pub fn decode_query<I: DeserializeOwned>(
        &self,
        query: &str,
    ) -> Result<PluginRequest<I>, Error> {
        self.decode(Source::Query, NO_HEADERS, query.as_bytes())
    }

    /// An error whose message or field holds an accepted secret of 8 bytes
    /// or more (a key the caller named after it, say) falls back to its
    /// kind's own message.
    fn scrub(&self, err: Error) -> Error {
        let holds = |text: &str| self.secrets.appear_in(text.as_bytes());
        if holds(err.message()) || err.field().is_some_and(holds) {
            Error::new(err.kind())
        } else {
            err
        }
    }
}

/// No headers at all.
const NO_HEADERS: &[(&str, &[u8])] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_checks() {
        let config = PluginConfig::new(crate::Secret::new("s").unwrap()).with_body_limit(10);
        assert_eq!(config.check_head("DELETE", None, None), Ok(Source::Body));
        assert_eq!(
            config.check_head("PUT", None, Some(b"10")),
            Ok(Source::Body)
        );
        assert_eq!(
            config
                .check_head("PUT", None, Some(b"11"))
                .unwrap_err()
                .kind(),
            ErrorKind::BodyTooLarge
        );
        assert_eq!(
            config
                .check_head("POST", None, Some(b"ten"))
                .unwrap_err()
                .kind(),
            ErrorKind::MalformedBody
        );
        // A GET's headers are not looked at.
        assert_eq!(
            config.check_head("GET", Some(b"text/plain"), Some(b"99")),
            Ok(Source::Query)
        );
        for method in ["HEAD", "PATCH", "OPTIONS", "get", ""] {
            assert_eq!(
                config.check_head(method, None, None).unwrap_err().kind(),
                ErrorKind::MethodNotAllowed
            );
        }
    }

    /// A body that counts its reads and drains.
    struct Counted<'a> {
        bytes: &'a [u8],
        seen: &'a std::cell::RefCell<Vec<Result<usize, &'static str>>>,
    }

    impl<'a> RequestBody for Counted<'a> {
        type Bytes = &'a [u8];

        async fn read_within(&mut self, limit: usize) -> Result<&'a [u8], crate::Unread> {
            self.seen.borrow_mut().push(Ok(limit));
            self.bytes.read_within(limit).await
        }

        async fn drain(self, _rest: crate::Drain) {
            self.seen.borrow_mut().push(Err("drained"));
        }
    }

    #[test]
    fn the_body_is_read_only_when_it_carries_the_fields() {
        let config = PluginConfig::new(crate::Secret::new("s").unwrap()).with_body_limit(64);
        let seen = std::cell::RefCell::new(Vec::new());
        let body = || Counted {
            bytes: br#"{"pluginSecret":"s"}"#,
            seen: &seen,
        };
        futures_executor::block_on(async {
            let query = b"pluginSecret=s&claimId=q";
            let got = config
                .receive::<crate::RawInputs, _, _>(
                    "GET",
                    None,
                    Some(b"x"),
                    query,
                    NO_HEADERS,
                    body(),
                )
                .await
                .unwrap();
            assert_eq!(got.claim_id(), Some("q"));
            assert!(seen.take().is_empty(), "a GET's body is never read");

            config
                .receive::<crate::RawInputs, _, _>("PUT", None, None, b"", NO_HEADERS, body())
                .await
                .unwrap();
            assert_eq!(seen.take(), [Ok(64)]);

            let err = config
                .receive::<crate::RawInputs, _, _>(
                    "POST",
                    None,
                    Some(b"65"),
                    b"",
                    NO_HEADERS,
                    body(),
                )
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
            assert_eq!(
                seen.take(),
                [Err("drained")],
                "refused on its head, drained"
            );

            let small = PluginConfig::new(crate::Secret::new("s").unwrap()).with_body_limit(4);
            let err = small
                .receive::<crate::RawInputs, _, _>("POST", None, None, b"", NO_HEADERS, body())
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
            assert_eq!(
                seen.take(),
                [Ok(4), Err("drained")],
                "read past the limit, drained"
            );
        });
    }
}
