//! State a plugin keeps between calls: claim numbers, claim tokens,
//! deliveries of retried webhooks, and the post-claim actions it owes.
//!
//! # Design
//!
//! Each concept is one small trait whose methods return `impl Future + Send`:
//!
//! | trait | what it keeps | rules in this crate |
//! |---|---|---|
//! | [`ClaimNumbers`] | each claim's pool of 0-based numbers, and what simulations hold for their address | [`claim_number`], [`claim_number_with_record`], [`simulation_holder`] |
//! | [`ClaimTokens`] | one token per claim attempt | [`claim_token`] |
//! | [`Deliveries`] | which deliveries are new, in flight or done | the signature gate |
//! | [`Actions`] | post-claim actions owed, until done or dead | [`ActionTerms`], [`ActionState`], [`enqueue_action`], [`enqueue_status_action`] |
//! | [`Feeds`] | where each watched claim's feed stands in the platform's listing | [`feed_round`](crate::feed::feed_round) |
//! | [`Purge`] | nothing: it forgets what expired | driven by `claimkit_tokio::Runner` every [`DEFAULT_PURGE_EVERY`] |
//! | [`Inspect`] | nothing: it reads what the others keep, for an operator and for the queue's gauges | [`inspect_attempt`], [`ActionRecord::is_due`], [`ClaimUse::free`], [`QueueDepth`] |
//!
//! **The core decides; a backend executes.** The rules live in this crate,
//! once: what a simulation may touch, which status confirms or releases,
//! what a duplicate in flight gets, the claim's bound on a preview
//! ([`ClaimPool::admit`], applied by [`claim_number_with`] to a store's
//! [`lowest_free`](ClaimNumbers::lowest_free)), what a failed try becomes
//! ([`ActionTerms::after_failure`] decides the [`Next`] step, and
//! [`ActionState::after_failure`] the state and time every store records
//! for it), when expired entries are deleted ([`Purge`], one step a runner
//! drives, as tower-sessions' `ExpiredDeletion`), and the one error of a
//! store that fails ([`Error::unavailable`](crate::Error::unavailable),
//! its cause as `source()`). A backend only makes each operation atomic on
//! its engine, and every backend passes the one conformance suite
//! (`claimkit::testing::conformance`, feature `testing`).
//!
//! **One shape for every backend.** [`MemoryStore`] here and the durable
//! backends of `claimkit-store` (SQLite, PostgreSQL, Redis) are each a
//! folder with the same files: one per trait (`claim_numbers.rs`,
//! `claim_tokens.rs`, `deliveries.rs`, `actions.rs`, `feeds.rs`, `purge.rs`,
//! `inspect.rs`), its tables or maps in `schema.rs`, its statements in `sql/*.sql` or
//! `lua/*.lua`. A store that holds a value it never writes (a negative
//! number, an unknown state) answers an error, never a default.
//!
//! [`MemoryStore`] implements every trait in this process's memory: for
//! tests and single-process plugins that may lose their state on a restart.
//! The `claimkit-store` crate has durable backends (SQLite, PostgreSQL,
//! Redis) behind the same traits.
//!
//! # The action queue: the road after the answer
//!
//! [`Actions`] keeps the work a plugin owes after it has answered (a status
//! webhook's post-claim action, a signed webhook's side effect) until it is
//! done. It is the one durable way to act after answering: enqueue, answer
//! `200` at once, and let a runner act.
//!
//! - **Typed payloads.** An action's payload is a serde type of the
//!   author's ([`StatusAction`] for status webhooks), written as JSON by
//!   [`enqueue_action`] and read back as that type by
//!   [`DueAction::decode`]: the store keeps text, the action receives its
//!   type. A payload that cannot be read as the type is an
//!   [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) with
//!   serde's error as its `source()`, a failed try like any other.
//! - **Enqueued once by key.** [`enqueue_status_action`] keys a status
//!   webhook `"{claimAttemptId}:{status}"` (per instance with
//!   [`KeyScope::Instance`](crate::KeyScope)), so a redelivered webhook
//!   adds nothing. It queues `failure` as well as `success`.
//! - **Run, retried, or dead.** A runner takes an action under a renewable
//!   lease; [`ActionTerms`] decides the retries (exponential backoff with
//!   jitter, a cap, a give-up horizon), and an action past the horizon is
//!   dead until retried by hand.
//!
//! The rules are here, as plain functions; the runner, which needs an
//! async runtime, is `claimkit_tokio::Runner`. Delivery is at least once
//! with a stable key, exactly once when nothing crashes between a success
//! and its record. For work that may be lost with the process (a log line,
//! a cache warm-up), the adapters' `after_response` runs a task after the
//! answer, fire and forget.
//!
//! # What every implementation guarantees
//!
//! - **Atomicity.** Each method is one atomic step on its store: two calls
//!   racing on the same claim or key behave as if one ran first, across
//!   threads, processes and machines sharing the store.
//! - **Idempotency.** Asking again gives the same answer: a retried
//!   attempt gets the number or token it has; confirming, releasing,
//!   completing or abandoning twice changes nothing the second time.
//! - **Expiry by one clock.** Reservations, leases and records expire by
//!   the store's own clock (the database's or Redis' clock for shared
//!   stores, this process's monotonic clock for [`MemoryStore`]), so that
//!   replicas with skewed clocks agree. Everything that can pile up expires.
//! - **Durability.** Once a method has returned `Ok`, what it recorded
//!   survives a crash of the process (for [`MemoryStore`]: it does not).
//! - **Failures are quick.** A store that cannot be reached fails with
//!   [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) (`503
//!   {"message"}`, [`Error::unavailable`](crate::Error::unavailable))
//!   within a bounded time, never a hang, and never with a connection
//!   string in its message; what failed is the error's `source()`.

mod action_state;
mod action_terms;
mod actions;
mod claim_numbers;
mod claim_tokens;
mod codec;
mod deliveries;
mod feeds;
mod inspect;
mod memory;
mod purge;
mod queue_depth;
mod simulation_hold;
mod status_action;

pub use action_state::ActionState;
pub use action_terms::{ActionTerms, Next};
pub use actions::{Actions, DeadAction, DueAction};
pub use claim_numbers::{
    claim_number, claim_number_with, claim_number_with_record, ClaimNumbers, ClaimPool, Numbering,
    LISTED_PAGES,
};
pub use claim_tokens::{
    claim_token, claim_token_with, random_token, ClaimTokens, DEFAULT_TOKEN_RETENTION,
};
pub use codec::enqueue_action;
pub use deliveries::{Begun, Deliveries, DeliveryTerms, Lease};
pub use feeds::Feeds;
pub use inspect::{
    inspect_attempt, ActionRecord, AttemptQuery, AttemptRecord, ClaimUse, DeliveryRecord,
    HeldNumber, Inspect, TokenRecord,
};
pub use memory::{MemoryBuilder, MemoryStore};
pub use purge::{Purge, DEFAULT_PURGE_EVERY};
pub use queue_depth::QueueDepth;
pub use simulation_hold::{simulation_holder, warn_unkeyed, DEFAULT_SIMULATION_HOLD};
pub use status_action::{enqueue_status_action, enqueue_status_action_with, StatusAction};
