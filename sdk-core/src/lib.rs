//! claimkit is a toolkit for the servers that claim platforms call out to:
//! typed [BitBadges] custom-plugin requests, the protocol's response presets,
//! and constant-time secret checks, independent of any web framework.
//!
//! [BitBadges]: https://bitbadges.io
//!
//! # Design
//!
//! For every claim attempt, BitBadges calls a plugin's URL with one flat JSON
//! object (or an axios-encoded query string for `GET`): context fields, the
//! plugin's own inputs merged beside them, and a shared `pluginSecret`. The
//! plugin answers exactly `200` with a preset body, or an error
//! `{"message": ...}`.
//!
//! A request takes one road through this crate, [`PluginConfig::receive`],
//! the one call of every adapter's extractor; each step runs once, in
//! order:
//!
//! ```text
//! adapter ─► PluginConfig::receive(head, query, headers, body)
//!              1. check_head ──────────────► 405 | 415 | 413   (body drained within Drain)
//!              2. body.read_within(limit) ─► 413 (rest drained) | 400 unreadable   [not for GET]
//!              3. decode(source, headers, bytes) ─► PluginRequest<I> | 400 | 401
//! ```
//!
//! 1. [`PluginConfig::check_head`] checks the method, content type and
//!    `Content-Length` before a body is read, by the rules of [`head`]
//!    (the methods, [`Source`], the length and content-type checks), which
//!    the error messages, the CORS answer, the webhook gate and both
//!    adapters' routing also derive from.
//! 2. The body is read once, whole, within the limit, through the one small
//!    trait an adapter implements for its framework's body,
//!    [`RequestBody`] (no runtime and no HTTP types here: the adapter
//!    reads, the core decides when). A refused body is drained within
//!    [`Drain`]'s bounds, so that the client reads the answer. A `GET`
//!    carries its fields in the query string; its body is never read.
//! 3. [`PluginConfig::decode`] (with the request's headers through
//!    [`signature::Headers`]; [`decode_json`](PluginConfig::decode_json)
//!    and [`decode_query`](PluginConfig::decode_query) for a request
//!    without headers) checks the size, then the `X-BitBadges-Signature`
//!    headers over the raw bytes when [signatures are asked
//!    for](PluginConfig::with_signatures), then finds `pluginSecret` with a
//!    byte scan that stops at it, and compares it in constant time with
//!    every accepted secret ([`Secrets`]); only then does it read the
//!    [`Context`] fields and deserialize the plugin author's inputs type
//!    (with any [inputs sent as headers](PluginConfig::with_header_input)),
//!    straight from the bytes, in one pass, with no intermediate JSON tree.
//! 4. The handler answers with a [`Respond`] type: [`Stateless`],
//!    [`ClaimToken`], [`ClaimNumber`], [`Custom`], [`Reject`] or an
//!    [`Error`]. [`render`] turns it into a status and JSON bytes, refusing
//!    any key that contains `.`.
//!
//! State that outlives a call lives behind the small async traits of
//! [`store`]: each claim's pool of claim numbers, one token per attempt, and
//! deliveries (new, in flight under a lease, or done) so that a retried
//! status webhook or signed webhook is not handled twice, and a durable
//! queue of post-claim actions (queued once however often a status webhook
//! is retried, then retried until they succeed or give up), the one road
//! for work a plugin owes after it has answered. An action's payload is a
//! serde type, kept as JSON by the store and handed back as that type. The
//! queue's runner needs an async runtime, so it lives in `claimkit-tokio`;
//! the adapters' `after_response` stays for work that may be lost with the
//! process (fire and forget). The rules live
//! here once; [`store::MemoryStore`] keeps them in memory (lost on a
//! restart), and the `claimkit-store` crate keeps them in SQLite,
//! PostgreSQL or Redis.
//!
//! Every failure is one [`Error`] whose [`kind`](Error::kind) says what went
//! wrong, whose [`status`](Error::status) is the HTTP status to answer with,
//! and whose [`message`](Error::message) is safe to show a claiming user:
//! no message ever contains a secret or the raw request.
//!
//! Signed webhooks take the same road with a different middle
//! ([`WebhookGate::receive`](signature::WebhookGate::receive): length, the
//! body through [`RequestBody`], then the signature and the delivery's
//! state): [`signature`]
//! checks Standard Webhooks and HMAC-SHA256 signatures (GitHub, Stripe,
//! Slack and claimr presets) over the raw body, with prepared keys and no
//! allocation, and recognises retried deliveries by their id; [`claimr`]
//! types claimr's webhook payloads.
//!
//! Each concept has its module:
//!
//! | concept | module |
//! |---|---|
//! | the HTTP head: methods, [`Source`], `Content-Length`, content type (the method rule itself in `head::method`, below [`Error`], whose `405` derives from it) | [`head`] |
//! | [`PluginConfig`]: secrets, body limit, signed requests, header inputs, and a plugin call's road ([`receive`](PluginConfig::receive)) | `config` |
//! | a request body read within its limit or drained: [`RequestBody`] | `body` |
//! | JSON bodies and axios queries (`decode::query`: a parser, a deserializer), naming the failing field | `decode` |
//! | map keys read without copying, shared by `decode`, `plugin` and `respond` | `key` |
//! | context fields, [`PluginRequest`], attempt status, version | `plugin` |
//! | presets, rejections, [`render`] (`respond::render`), dot-free keys | `respond` |
//! | secrets, accepted sets, constant-time comparison | `secret` |
//! | the one [`Error`] and its kinds | `error` |
//! | [`RouteOptions`]: deadline and CORS of a plugin route | `route` |
//! | the bounds of draining a refused body ([`Drain`]) | `drain` |
//! | signed webhooks and signed requests, [`WebhookGate`](signature::WebhookGate) | [`signature`] |
//! | claimr's webhook payloads | [`claimr`] |
//! | durable state: traits, memory store, conformance suite | [`store`] |
//! | how attempts ended, from the platform's own record: [`PlatformRecord`](platform::PlatformRecord) | [`platform`] |
//! | every answered attempt checked with that record until its outcome is known, then settled as its webhook would: [`Reconciler`](reconcile::Reconciler), [`note`](reconcile::note), [`settle`](reconcile::settle) | [`reconcile`] |
//! | the feed of a claim's new successes, polled from the platform's listing: [`FeedRound`](feed::FeedRound) | [`feed`] |
//! | liveness and readiness: [`Ping`](health::Ping), [`Readiness`](health::Readiness) | [`health`] |
//! | the metric names claimkit records, through the `metrics` facade | [`metrics`] |
//! | work after the response, contained | [`task`] |
//! | the spans and events every adapter emits | [`trace`] |
//! | axum and actix-web response conversions (features) | `integration` |
//! | request builders and signers for tests (feature `testing`) | [`testing`] |
//! | the plugin version config from the inputs type (feature `config`) | [`registration`] |
//!
//! The modules depend on each other without a cycle, and no module reaches
//! up into its parent's: [`Error`] sits at the bottom (it depends only on
//! the method rule), `decode` and `plugin` above it, the store's rules
//! above those, [`testing`] on top. `scripts/import-graph.py` in the
//! repository prints each crate's graph and fails on a cycle.
//!
//! # What the platform has not confirmed
//!
//! Some of the 2026 developer docs' facts appear in no published sender
//! code. claimkit supports them, tolerates their absence, and never
//! requires them by default:
//!
//! - **Signed requests** (`X-BitBadges-Signature`, `-Timestamp`,
//!   `-Version`): UNCONFIRMED, so [`RequestSignatures`](signature::RequestSignatures)
//!   defaults to [`SignatureMode::Off`](signature::SignatureMode::Off).
//! - **Simulations may be the only call**: UNCONFIRMED; the presets' docs
//!   say what a simulation should answer all the same.
//! - **Whether the portal's test request carries the real secret**:
//!   UNCONFIRMED; [`RouteOptions`] gives the portal's origin CORS
//!   permission either way.
//!
//! The platform publishes two timeouts, 10 s and 6 s; [`DEFAULT_DEADLINE`]
//! (5 s) is inside both.
//!
//! What this crate does **not** do: it runs no server, spawns no task and has
//! no HTTP types in its API. The `claimkit-axum` and `claimkit-actix` crates
//! adapt it to axum 0.8 and actix-web 4, with extractors, responses and
//! middleware of the same names.
//!
//! # Getting started
//!
//! ```
//! use claimkit::{render, ClaimToken, PluginConfig, Reject, Respond, Secret};
//! use serde::Deserialize;
//!
//! /// The plugin's own inputs: every key that is not a context field.
//! #[derive(Deserialize)]
//! struct Inputs {
//!     code: String,
//! }
//!
//! let config = PluginConfig::new(Secret::new("0123abcd")?);
//!
//! let body = br#"{
//!     "pluginSecret": "0123abcd",
//!     "claimId": "c1", "claimAttemptId": "a1", "_isSimulation": false,
//!     "_attemptStatus": "executing", "bitbadgesAddress": "bb1qqq",
//!     "code": "WELCOME"
//! }"#;
//! let request = config.decode_json::<Inputs>(body)?;
//! assert_eq!(request.attempt_id(), Some("a1"));
//!
//! let answer: Result<ClaimToken, Reject> = if request.inputs().code == "WELCOME" {
//!     Ok(ClaimToken::new("tok_5f2c"))
//! } else {
//!     Err(Reject::forbidden("unknown code"))
//! };
//! let rendered = render(&answer);
//! assert_eq!(rendered.status(), 200);
//! assert_eq!(rendered.body(), br#"{"claimToken":"tok_5f2c"}"#);
//!
//! // A wrong secret never reaches the inputs.
//! let forged = br#"{"pluginSecret": "guess", "code": "WELCOME"}"#;
//! let err = config.decode_json::<Inputs>(forged).err().unwrap();
//! assert_eq!(err.status(), 401);
//! # Ok::<(), claimkit::Error>(())
//! ```
//!
//! The example servers in the repository's `examples/` folder show complete
//! plugins for axum and actix-web.
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `testing` | no | [`testing`]: build requests the way the platform sends them, sign webhooks |
//! | `config` | no | [`registration`]: the plugin version config to register, derived from the handler's inputs type (`schemars`) |
//! | `axum` | no | `axum::response::IntoResponse` for every response type (enabled by `claimkit-axum`) |
//! | `actix` | no | `actix_web::Responder` for every response type and `ResponseError` for [`Error`] and [`Reject`] (enabled by `claimkit-actix`) |
//!
#![cfg_attr(
    not(any(test, feature = "testing")),
    doc = "[`testing`]: #crate-features"
)]
#![cfg_attr(not(feature = "config"), doc = "[`registration`]: #crate-features")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod claimr;
mod config;
mod decode;
mod drain;
mod error;
pub mod feed;
pub mod head;
pub mod health;
mod integration;
mod key;
mod meter;
pub mod metrics;
pub mod platform;
mod plugin;
pub mod reconcile;
#[cfg(feature = "config")]
#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
pub mod registration;
mod respond;
mod route;
mod secret;
pub mod signature;
pub mod store;
pub mod task;
#[cfg(any(test, feature = "testing"))]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod trace;

pub use body::{RequestBody, Unread};
pub use config::{PluginConfig, DEFAULT_BODY_LIMIT, DEFAULT_DEADLINE};
pub use drain::{Drain, DRAIN_LIMIT, DRAIN_TIME};
pub use error::{Error, ErrorKind};
pub use head::{Source, ALLOWED_METHODS};
pub use meter::CallMeter;
pub use plugin::{
    AttemptStatus, Context, Email, KeyScope, PluginRequest, RawInputs, Social, Version,
    RESERVED_KEYS,
};
pub use respond::{
    escape_dots, escape_keys, find_dotted_key, render, unescape_dots, ClaimNumber, ClaimToken,
    Custom, Preset, Reject, Rendered, Respond, Stateless, CONTENT_TYPE,
};
pub use route::{
    RouteOptions, CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE, PORTAL_ORIGIN,
};
pub use secret::{Secret, SecretMatch, Secrets};
