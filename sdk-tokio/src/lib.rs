//! claimkit-tokio is the one place claimkit meets the Tokio runtime: the
//! [`Runner`] that executes a store's durable post-claim actions, the
//! [`Feed`] that queues them for watched claims' new successes, and what
//! the framework adapters (`claimkit-axum`, `claimkit-actix`) share on
//! Tokio: the [`spawn`] they hand to the signature gate,
//! [`body::drain`], which drains a refused request body on Tokio's timer,
//! [`answer_within`], the timer
//! of their deadline middleware, and [`ready`], the bounded check of their
//! readiness routes.
//!
//! # Design
//!
//! The queue's rules (its states, the backoff with jitter, the give-up
//! horizon, how often a lease is renewed) are the core's:
//! [`claimkit::store::Actions`] and [`claimkit::store::ActionTerms`]. A
//! store backend makes each step atomic; this crate only drives them on a
//! runtime: it polls the store for due actions, runs each under a lease it
//! renews while the action runs, records the outcome, and stops cleanly.
//! The payload reaches the action as the serde type it was queued as
//! (the core's codec decodes it: [`claimkit::store::DueAction::decode`]).
//! It also drives the store's expiry, [`claimkit::store::Purge`], every
//! minute ([`Runner::with_purge_every`]), as tower-sessions'
//! `ExpiredDeletion` is driven: the backends keep no sweep of their own.
//!
//! ```text
//! handler ─► enqueue_status_action ─► 200 {} at once
//! Runner: take_due ─► run (lease renewed) ─► succeed | fail(Retry after backoff) | fail(GiveUp) ─► dead
//!         every minute: purge (expired tokens, deliveries, done and dead actions)
//! ```
//!
//! Both actix-web and axum run on Tokio, so one runner serves both. When a
//! body is read or drained is the core's decision
//! ([`claimkit::RequestBody`]); each adapter reads its framework's body, and
//! the one step that needs a timer, draining what a refused client still
//! sends within [`claimkit::Drain`]'s bounds, is written here once
//! ([`body::drain`]), over the framework's body seen as a stream of
//! chunks.
//!
//! With a reconciler ([`Runner::with_reconciler`]), the same runner runs
//! the queue's check jobs (`claimkit::reconcile`): the core decides what a
//! check answers and when it runs again; the runner records it.
//!
//! This crate holds no protocol rule (those are the core's), and knows no
//! web framework.

pub mod body;
mod deadline;
mod feed;
mod ready;
mod runner;
mod spawn;

pub use deadline::{answer_within, AnswerWithin};
pub use feed::{Feed, FeedHandle};
pub use ready::ready;
pub use runner::{Runner, RunnerHandle};
pub use spawn::spawn;
