//! claimkit-actix adapts [claimkit] to [actix-web] 4: an extractor for typed
//! BitBadges plugin calls, responses for the protocol's presets, a resource
//! helper for the plugin methods, and "answer now, act later".
//!
//! [actix-web]: https://actix.rs
//!
//! # Design
//!
//! The adapter only moves bytes, headers and statuses between actix-web and
//! the framework-free core: every protocol rule (which method carries the
//! fields where, content types, limits, the secret check, decoding,
//! rendering) is claimkit's. `claimkit-axum` offers the same names for axum,
//! so a handler moves between the two by changing imports.
//!
//! ```text
//! Plugin<I>  ─► PluginConfig::receive(head, query, headers, ActixBody) ─► PluginRequest<I> | Error
//! Signature, Signed<T> ─► WebhookGate::receive(length, headers, ActixBody, spawn)
//!                        ─► Answer (refusal, 200 {} for a redelivery) | Run(delivery, body, guard)
//! ActixBody: claimkit::RequestBody   read_within = to_bytes_limited
//!                                    drain       = claimkit_tokio::body::drain (Tokio's timer)
//! ```
//!
//! Each extractor and the signature middleware is one call into the core,
//! which decides, each step once and in order: the head, the body read
//! within the limit, the decoding (or the signature). The adapter supplies
//! only what is actix-web's: how a payload is read (`to_bytes_limited`, in
//! `body.rs`, the one [`claimkit::RequestBody`] of this crate), the header
//! map seen through [`claimkit::signature::Headers`], the request
//! extensions, `app_data`, and the `Transform`/`Service` types. Draining a
//! refused body on a timer, and the task that frees an unfinished webhook
//! delivery, run on Tokio (actix-web's runtime too) and live once in
//! `claimkit-tokio`, shared with `claimkit-axum`.
//!
//! The response types ([`claimkit::Stateless`], [`claimkit::ClaimToken`],
//! [`claimkit::ClaimNumber`], [`claimkit::Custom`], [`claimkit::Preset`],
//! [`claimkit::Reject`], [`claimkit::Error`]) implement actix-web's
//! `Responder` directly, and [`claimkit::Reject`] and [`claimkit::Error`]
//! implement `ResponseError` (in the core, behind its `actix` feature), so
//! handlers return them, or `Result`s of them. [`Plugin`] destructures as
//! `Plugin(request, ..)`, as in `claimkit-axum`.
//!
//! Configuration is read from `app_data`, the actix-web way, as
//! `JsonConfig::from_req` reads it: once per call and value, as it is or in
//! a `web::Data`: the core [`claimkit::PluginConfig`], and optionally a
//! [`PluginErrorHandler`] to answer refusals your own way (by default,
//! claimkit's own answer). The route helpers return `impl
//! HttpServiceFactory`, for `App::service` or a scope's. actix-web lets an
//! extractor answer early only with an error; the [`webhook`] route turns
//! [`Signed`]'s acknowledgement of a redelivery back into a plain `200 {}`
//! response. The differences from `claimkit-axum` follow from the
//! frameworks:
//!
//! | | `claimkit-axum` | `claimkit-actix` |
//! |---|---|---|
//! | configuration | router state, through `FromRef` | `app_data` |
//! | mounting | `.route(path, plugin(handler))` | `.service(plugin(path, handler))` |
//! | own rejection | `Plugin<I, R>` | `app_data(PluginErrorHandler)` |
//! | tracing middleware | `PluginTraceLayer` + `PluginTrace<S>` + `PluginTraceFuture<F>` | [`PluginTrace`] + [`PluginTraceMiddleware<S>`] + [`PluginTraceFuture<F>`] |
//! | deadline | `DeadlineLayer` + `Deadline<S>` + `DeadlineFuture<F>` | [`Deadline`] + [`DeadlineMiddleware<S>`] + [`DeadlineFuture<F>`] |
//! | signature middleware | `SignatureLayer` + `Signature<S>` | [`Signature`] + [`SignatureMiddleware<S>`] |
//! | webhook gate for `Signed` | router state, `Arc<WebhookGate>` | `app_data(web::Data<WebhookGate>)` |
//! | background work | on the Tokio runtime | on the answering actix-web worker |
//!
//! Signed webhooks (Standard Webhooks, claimr, GitHub, Stripe, Slack, or any
//! HMAC scheme) are verified before anything else happens, by the
//! [`Signature`] middleware on a resource or scope, or by the [`Signed`]
//! wrapper extractor, which then hands the untouched body to an inner
//! extractor such as `web::Json`.
//!
//! With the `testing` feature, [`testing`] builds plugin calls and signed
//! webhooks as `TestRequest`s for actix-web's own harness.
//!
//! Plugin routes ([`plugin`], [`plugin_with`]) answer the CORS preflight of
//! the developer portal's "Send Test Request" (`actix-cors`, see
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
//! use actix_web::{App, HttpServer};
//! use claimkit::{ClaimToken, PluginConfig, Reject, Secret};
//! use claimkit_actix::{plugin, Plugin};
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
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let config = PluginConfig::new(Secret::new(std::env::var("PLUGIN_SECRET")?)?);
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(config.clone())
//!             .service(plugin("/plugins/redeem", redeem))
//!     })
//!     .bind("127.0.0.1:3001")?
//!     .run()
//!     .await?;
//!     Ok(())
//! }
//! ```
//!
//! The `examples/actix-plugins` crate in the repository is a complete server
//! with one handler per preset.
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `testing` | no | [`testing`]: plugin calls (`plugin_request`) and signed webhooks (`webhook_request`) as `TestRequest`s for actix-web's harness |
//!
#![cfg_attr(not(feature = "testing"), doc = "[`testing`]: #crate-features")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod after;
mod body;
mod config;
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
pub use config::PluginErrorHandler;
pub use cors::plugin_cors;
pub use deadline::{Deadline, DeadlineFuture, DeadlineMiddleware};
pub use extract::Plugin;
pub use health::{liveness, readiness};
pub use route::{plugin, plugin_with, plugin_with_deadline, signed_webhook, webhook};
pub use signature::{Signature, SignatureMiddleware, Signed};
pub use trace::{PluginTrace, PluginTraceFuture, PluginTraceMiddleware};
