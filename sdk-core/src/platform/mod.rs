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
//! What this module does **not** do: decide when to ask, how often, or
//! what an outcome changes in a store. Those are rules of their own.

mod outcome;
mod record;
mod unanswered;

pub use outcome::Outcome;
pub use record::{AttemptsPage, ListedAttempt, PlatformRecord};
pub use unanswered::{Unanswered, UnansweredKind};
