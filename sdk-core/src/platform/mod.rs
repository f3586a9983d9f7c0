//! The platform's own record of how claim attempts ended, behind a small
//! trait, so that this crate stays free of HTTP and runtimes.
//!
//! # Design
//!
//! A plugin answers a claim attempt at once and learns how it ended later.
//! Status webhooks say so when the plugin version asks for them; the
//! platform's record says so in every case, a few seconds after the
//! attempt (PROTOCOL §1.8: "wait a couple seconds for processing, and then
//! … check status"). [`PlatformRecord`] is how the rules of this crate ask
//! for it:
//!
//! | method | answers | cost |
//! |---|---|---|
//! | [`attempt_outcome`](PlatformRecord::attempt_outcome) | one attempt's [`Outcome`] | one request |
//! | [`claim_attempts`](PlatformRecord::claim_attempts) | an [`AttemptsPage`] of a claim's attempts | one request per page |
//!
//! The `claimkit-bitbadges` crate implements it with its HTTP client; a
//! test implements it with a script.
//!
//! Either call settles something ([`Outcome::Succeeded`] or
//! [`Outcome::Failed`], from a decoded answer only) or gives an
//! [`Unanswered`] saying why not, and how long to wait: the record does
//! not know yet, the account is rate-limited or out of credits, or the key
//! was refused. The types keep the two apart, so that "the platform does
//! not know yet" can never be taken for "the attempt failed" (which would
//! release a number the platform is about to assign).
//!
//! Every request costs the account a credit, so calls pass a [`CallGate`]
//! ([`Gated`] puts one in front of a record): a budget of calls
//! ([`CallTerms`]), and no call at all while the platform has asked for a
//! wait. After a `429` or a `402` calls pause until `Retry-After` has
//! passed or a backoff (at most 2 minutes by default) has run out; they
//! resume by themselves once the platform answers again, and each episode
//! is logged once, when it begins and when it ends.
//!
//! What this module does **not** do: decide which attempts to check, when,
//! or what an outcome changes in a store: that is
//! [`reconcile`](crate::reconcile).

mod gate;
mod gated;
mod outcome;
mod record;
mod unanswered;

pub use gate::{CallGate, CallTerms, Episode};
pub use gated::Gated;
pub use outcome::Outcome;
pub use record::{AttemptsPage, ListedAttempt, PlatformRecord};
pub use unanswered::{Unanswered, UnansweredKind};
