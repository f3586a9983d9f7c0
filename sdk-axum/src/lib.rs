//! claimkit-axum adapts [claimkit] to [axum] 0.8: an extractor for typed
//! BitBadges plugin calls, responses for the protocol's presets, a router
//! helper for the plugin methods, and "answer now, act later".
//!
//! # Design
//!
//! The adapter only moves bytes, headers and statuses between axum and the
//! framework-free core: every protocol rule (which method carries the fields
//! where, content types, limits, the secret check, decoding, rendering) is
//! claimkit's. `claimkit-actix` offers the same names for actix-web, so a
//! handler moves between the two by changing imports.
//!
//! ```text
//! Plugin<I>  ─► PluginConfig::receive(head, query, headers, AxumBody) ─► PluginRequest<I> | Error
//! SignatureLayer, Signed<T> ─► WebhookGate::receive(length, headers, AxumBody, spawn)
//!                             ─► Answer (refusal, 200 {} for a redelivery) | Run(delivery, body, guard)
//! AxumBody: claimkit::RequestBody   read_within = http-body's Limited
//!                                   drain       = claimkit_tokio::body::drain (Tokio's timer)
//! ```
//!
//! Each extractor and the signature layer is one call into the core, which
//! decides, each step once and in order: the head, the body read within the
//! limit, the decoding (or the signature). The adapter supplies only what
//! is axum's: how a body is read (`http-body`'s `Limited`, in `body.rs`,
//! the one [`claimkit::RequestBody`] of this crate), the header map seen
//! through [`claimkit::signature::Headers`], the request extensions, and
//! the tower types. Draining a refused body on a timer, and the task that
//! frees an unfinished webhook delivery, run on Tokio and live once in
//! `claimkit-tokio`, shared with `claimkit-actix`.
//!
//! The response types ([`claimkit::Stateless`], [`claimkit::ClaimToken`],
//! [`claimkit::ClaimNumber`], [`claimkit::Custom`], [`claimkit::Preset`],
//! [`claimkit::Reject`], [`claimkit::Error`]) implement axum's
//! `IntoResponse` directly (in the core, behind its `axum` feature), so
//! handlers return them, or `Result`s of them. [`Plugin`] destructures as
//! `Plugin(request, ..)`, as in `claimkit-actix`.
//!
//! Signed webhooks (Standard Webhooks, claimr, GitHub, Stripe, Slack, or any
//! HMAC scheme) are verified before anything else happens, by
//! [`SignatureLayer`] on a route or router, or by the [`Signed`] wrapper
//! extractor, which then hands the untouched body to an inner extractor such
//! as `Json`.
//!
//! With the `testing` feature, [`testing`] builds plugin calls and signed
//! webhooks as `http::Request`s for axum's own harness.
//!
//! Plugin routes ([`plugin`], [`plugin_with`]) answer the CORS preflight of
//! the developer portal's "Send Test Request" (`tower-http`'s `CorsLayer`, see
//! [`plugin_cors`]) for `https://bitbadges.io` by default, and answer `503`
//! at a 5 s deadline; [`claimkit::RouteOptions`] changes both, with the
//! same option names in `claimkit-axum` and `claimkit-actix`. Signed
//! requests and inputs sent as headers are the core's
//! ([`claimkit::PluginConfig::with_signatures`],
//! [`claimkit::PluginConfig::with_header_input`]): the extractor only hands
//! it the headers.
//!
//! This crate does not start a server, and adds no global middleware.
//!
//! # Getting started
//!
//! ```no_run
//! use axum::Router;
//! use claimkit::{ClaimToken, PluginConfig, Reject, Secret};
//! use claimkit_axum::{plugin, Plugin};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Inputs {
//!     code: String,
//! }
//!
//! async fn redeem(request: Plugin<Inputs>) -> Result<ClaimToken, Reject> {
//!     if request.is_simulation() {
//!         // Dry run: validate, change nothing.
//!     }
//!     match request.inputs().code.as_str() {
//!         "WELCOME" => Ok(ClaimToken::new(claimkit::store::random_token())),
//!         _ => Err(Reject::forbidden("unknown code")),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let config = PluginConfig::new(Secret::new(std::env::var("PLUGIN_SECRET")?)?);
//!     let app = Router::new()
//!         .route("/plugins/redeem", plugin(redeem))
//!         .with_state(config);
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! The `examples/axum-plugins` crate in the repository is a complete server
//! with one handler per preset.
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `testing` | no | [`testing`]: plugin calls (`plugin_request`) and signed webhooks (`webhook_request`) as `http::Request`s for axum's harness |
//!
#![cfg_attr(not(feature = "testing"), doc = "[`testing`]: #crate-features")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod after;
mod body;
mod cors;
mod deadline;
mod extract;
mod health;
mod route;
mod signature;
mod stack;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod trace;

pub use after::after_response;
pub use claimkit;
pub use cors::{plugin_cors, PluginCors, PluginCorsFuture, PluginCorsLayer};
pub use deadline::{Deadline, DeadlineFuture, DeadlineLayer};
pub use extract::{Plugin, PluginRejection};
pub use health::{liveness, readiness};
pub use route::{plugin, plugin_with, plugin_with_deadline, signed_webhook, webhook};
pub use signature::{Signature, SignatureLayer, Signed};
pub use trace::{PluginTrace, PluginTraceFuture, PluginTraceLayer};
