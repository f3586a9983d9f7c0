//! claimkit-bitbadges is a typed client for the [BitBadges] API routes a
//! claim plugin calls back: how an attempt ended, a claim's attempts page
//! by page, the errors the platform recorded from a plugin, and registering
//! or changing a plugin.
//!
//! [BitBadges]: https://bitbadges.io
//!
//! # Design
//!
//! A plugin answers `200` at claim time and learns how the attempt ended
//! later. Status webhooks tell it when the plugin version asks for them;
//! the platform's own record tells it in every case, a few seconds after
//! the attempt:
//!
//! | route | method | answer |
//! |---|---|---|
//! | [`get_claim_attempt_status`](Client::get_claim_attempt_status) | `POST /api/v0/claims/status/{claimAttemptId}` | [`ClaimAttemptStatus`] |
//! | [`get_claim_attempts`](Client::get_claim_attempts) | `GET /api/v0/claims/{claimId}/attempts` | [`ClaimAttemptsPage`] |
//! | [`get_plugin_errors`](Client::get_plugin_errors) | `GET /api/v0/plugins/errors` | [`PluginErrorsPage`] |
//! | [`create_plugin`](Client::create_plugin) | `POST /api/v0/plugins` | nothing |
//! | [`update_plugin`](Client::update_plugin) | `PUT /api/v0/plugins` | nothing |
//!
//! Every request costs the account one credit, so the client is built for a
//! metered API:
//!
//! - **One request per call.** A method never retries on its own; the
//!   caller decides what a retry may cost.
//! - **Typed errors** ([`ErrorKind`]) for what each status means: a bad key
//!   (`401`), spent credits (`402`), the rate limit (`429`, with its
//!   `Retry-After` parsed from seconds or an HTTP date into
//!   [`Error::retry_after`]), time-outs, transport failures (the cause kept
//!   as [`source`](std::error::Error::source)). A `5xx`, or an error saying
//!   the API has no record yet (`"No doc found"`), is
//!   [`NotKnownYet`](ErrorKind::NotKnownYet): an attempt is failed only
//!   when a decoded answer says `success: false`.
//! - **The key stays secret.** [`ApiKey`] is redacted in `Debug` and
//!   zeroized on drop; it travels only in the `x-api-key` header, marked
//!   sensitive, and never appears in an error or a log line.
//! - **The official SDK's environment names**, `BITBADGES_API_KEY` and
//!   `BITBADGES_API_URL` (default [`DEFAULT_API_URL`]), so an operator's
//!   set-up carries over; a [`ClientBuilder`] for everything else, with a
//!   time-out per call ([`DEFAULT_TIMEOUT`]).
//! - **`tracing`**: each call is a `bitbadges_api` span at `DEBUG` with
//!   its route name and method (never an id or the key), and each refusal
//!   a `DEBUG` event: behind [`Gated`](claimkit::platform::Gated), spent
//!   credits, the rate limit and a refused key are logged once per episode
//!   (when calls pause, and when they resume), not once per call.
//! - **Metrics** through the [`metrics`](https://docs.rs/metrics) facade
//!   (the application installs the exporter): [`REQUESTS_TOTAL`]
//!   (`claimkit_bitbadges_requests_total`, by `route` and `result`: what
//!   the credits were spent on) and [`REQUEST_DURATION_SECONDS`]
//!   (`claimkit_bitbadges_request_duration_seconds`, by `route`). The
//!   labels are bounded: never an id, an address or the key.
//!
//! [`Client`] implements the core's
//! [`PlatformRecord`](claimkit::platform::PlatformRecord): the core reads
//! the platform's record through that small trait and stays free of HTTP.
//! There, `429`, `402` and `401` are account-wide waits, and every other
//! error is "not known yet", never a failed attempt; behind
//! [`Gated`](claimkit::platform::Gated), its calls keep to a budget and make
//! none while the platform has asked for a wait.
//!
//! What this crate does **not** do: decide when to ask, back off, or keep a
//! budget. Those are rules of the core (`claimkit`).
//!
//! # Getting started
//!
//! ```no_run
//! use claimkit_bitbadges::{Client, ErrorKind};
//!
//! # async fn run() -> Result<(), claimkit_bitbadges::Error> {
//! let client = Client::from_env()?;
//!
//! // A few seconds after answering the attempt "6a1f0c" at `executing`:
//! match client.get_claim_attempt_status("6a1f0c").await {
//!     Ok(status) if status.success => println!("claimed by {}", status.bitbadges_address),
//!     Ok(status) => println!("failed: {}", status.error.unwrap_or_default()),
//!     Err(err) if err.kind() == ErrorKind::RateLimited => {
//!         println!("wait {:?}", err.retry_after());
//!     }
//!     Err(err) if err.is_temporary() => println!("ask again later: {err}"),
//!     Err(err) => return Err(err),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `rustls` | yes | HTTPS through reqwest's rustls (its default TLS: the `aws-lc-rs` provider, the platform's certificate verifier); without it the client this crate builds speaks plain HTTP only, and [`ClientBuilder::with_http_client`] takes the application's own `reqwest::Client` |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod claims;
mod client;
mod error;
mod key;
mod meter;
mod number;
mod page;
mod plugins;
mod record;
mod retry_after;

pub use builder::{
    ClientBuilder, API_KEY_VAR, API_URL_VAR, DEFAULT_API_URL, DEFAULT_BODY_LIMIT,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};
pub use claims::{ClaimAttempt, ClaimAttemptStatus, ClaimAttemptsPage, ClaimAttemptsQuery};
pub use client::{Client, API_KEY_HEADER};
pub use error::{Error, ErrorKind};
pub use key::ApiKey;
pub use meter::{REQUESTS_TOTAL, REQUEST_DURATION_SECONDS};
pub use page::Page;
pub use plugins::{
    CreatePlugin, PluginError, PluginErrorsPage, PluginMetadata, UpdatePlugin, VersionUpdate,
};
