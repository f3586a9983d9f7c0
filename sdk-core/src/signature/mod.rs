//! Signed webhooks: checking that a delivery comes from its sender, and
//! recognising it when it comes again.
//!
//! # Design
//!
//! A verifier takes the request's headers (through the small [`Headers`]
//! trait, not a framework's types) and the exact body bytes, and answers
//! with a [`Verified`] or an [`Error`](crate::Error). Two verifiers cover
//! the common schemes:
//!
//! - [`StandardWebhooks`]: the [Standard Webhooks] spec, which Svix and
//!   many senders follow: `v1` (HMAC-SHA256, a shared `whsec_` secret) and
//!   `v1a` (Ed25519, the sender's [`PublicKey`]s, `whpk_…`);
//! - [`HmacVerifier`] with an [`HmacScheme`]: HMAC-SHA256 with a
//!   configurable header, encoding, prefix and signed content, and presets
//!   for GitHub, Stripe, Slack and claimr. **claimr does not publish its
//!   scheme**: [`HmacScheme::claimr`] is a documented default to adjust.
//!
//! Both implement [`Verifier`], so the axum layer and the actix middleware
//! are generic over the scheme. Each accepts several secrets while one is
//! rotated and reports which one matched ([`SecretMatch`](crate::SecretMatch)).
//!
//! Verifying is cheap and allocates nothing (unless a delivery id read from
//! a JSON body holds escape sequences): every key's
//! HMAC state is prepared once, when the verifier is built; the body is
//! hashed where it lies, never copied or read as text; signatures are
//! decoded into fixed 32-byte buffers and compared in constant time against
//! every accepted secret. Error messages are static and never contain a
//! secret, a signature or the body, and the verifiers' `Debug` output
//! redacts their keys.
//!
//! Statuses: a header that is absent ([`MissingSignature`]) or unreadable
//! ([`MalformedSignature`]: duplicated, not ASCII, a timestamp that is not
//! an integer, a missing required prefix) answers `400`; a signature that
//! does not match ([`InvalidSignature`]) or a timestamp outside the
//! [`Tolerance`] ([`StaleTimestamp`]) answers `401`.
//!
//! Signed BitBadges plugin requests (the 2026 docs' `X-BitBadges-Signature`,
//! **UNCONFIRMED**) are checked by the plugin decoder itself, in the mode
//! [`RequestSignatures`] sets ([`SignatureMode`]), with the same prepared
//! keys and constant-time comparison; every failure there answers `401`.
//!
//! A verified delivery can still be a retry or a replay: [`replay`] keeps
//! delivery ids in a [`Deliveries`](crate::store::Deliveries) store.
//!
//! `v1a` signatures are checked with `ed25519-dalek` (pure Rust, no C or
//! assembly to build or review), by the rules of its `verify_strict`: a
//! canonical `S`, an `R` and a key that are not of small order (see
//! [`PublicKey`]). `ring`, the other choice, needs a C compiler and, like
//! BoringSSL, accepts small-order keys and `R` values. The signed content
//! is hashed in its parts; nothing is copied or allocated.
//!
//! What this module does **not** do: read the body (the adapters do, with a
//! size limit), parse it (see [`claimr`](crate::claimr) for claimr's events),
//! or sign (see `claimkit::testing::Signer` and the `claimkit` command).
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com
//! [`MissingSignature`]: crate::ErrorKind::MissingSignature
//! [`MalformedSignature`]: crate::ErrorKind::MalformedSignature
//! [`InvalidSignature`]: crate::ErrorKind::InvalidSignature
//! [`StaleTimestamp`]: crate::ErrorKind::StaleTimestamp
//!
//! # Example
//!
//! ```
//! use claimkit::signature::{FixedClock, HmacScheme, HmacVerifier, Verifier};
//! use claimkit::{ErrorKind, Secret};
//!
//! let slack = HmacVerifier::new(HmacScheme::slack(), Secret::new("8f742231b10e8888abcd99yyyzzz85a5")?)?
//!     .with_clock(FixedClock::at_unix(1_531_420_618));
//!
//! let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
//!     &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
//!     &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
//!     %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
//!     &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
//! let headers = [
//!     ("x-slack-request-timestamp", "1531420618"),
//!     ("x-slack-signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
//! ];
//! let verified = slack.verify(&headers, body)?;
//! assert_eq!(verified.timestamp(), Some(1_531_420_618));
//!
//! let late = slack.with_clock(FixedClock::at_unix(1_531_420_618 + 301));
//! assert_eq!(late.verify(&headers, body).unwrap_err().kind(), ErrorKind::StaleTimestamp);
//! # Ok::<(), claimkit::Error>(())
//! ```

mod clock;
mod content;
mod encoding;
mod gate;
mod headers;
mod hmac_scheme;
mod hmac_verifier;
mod json_id;
mod keys;
mod public_key;
pub mod replay;
mod request;
mod standard;
mod stripe;
mod timestamp;
mod verified;
mod verifier;

pub use clock::{Clock, FixedClock, SystemClock};
pub use content::SignedContent;
pub use encoding::Encoding;
pub use gate::{
    Admission, Admitted, Reception, Redeliveries, Running, Spawn, WebhookGate,
    DEFAULT_WEBHOOK_BODY_LIMIT,
};
pub use headers::{single_header, Headers};
pub use hmac_scheme::{HmacScheme, IdSource};
pub use hmac_verifier::HmacVerifier;
pub use public_key::PublicKey;
pub use request::{
    RequestSignatures, SignatureMode, SIGNATURE_HEADER, TIMESTAMP_HEADER, VERSION_HEADER,
};
pub use standard::StandardWebhooks;
pub use timestamp::Tolerance;
pub use verified::{Delivery, Verified};
pub use verifier::Verifier;

#[cfg(any(test, feature = "testing"))]
pub(crate) use encoding::decode_base64_key;
#[cfg(any(test, feature = "testing"))]
pub(crate) use keys::sign as hmac_sha256;
pub(crate) use request::PreparedSignatures;
#[cfg(any(test, feature = "testing"))]
pub(crate) use standard::{V1, V1A, WEBHOOK};
