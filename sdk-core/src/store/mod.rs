//! State a plugin keeps between calls: claim numbers, claim tokens, and
//! deduplication of retried deliveries.
//!
//! Each concept is a small trait with an in-memory default, bounded and with
//! expiry where entries can pile up. The traits' methods are `async`, so a
//! shared store (Redis, a database) can back them when a plugin runs on
//! several machines; the in-memory defaults never wait.
//!
//! The functions [`claim_number`] and [`claim_token`] carry the protocol's
//! rules (simulations change nothing, status webhooks confirm or release) so
//! that a handler is one line.

mod claim_numbers;
mod claim_tokens;
mod dedupe;
mod expiry;

pub use claim_numbers::{claim_number, ClaimNumbers, MemoryClaimNumbers};
pub use claim_tokens::{claim_token, random_token, ClaimTokens, MemoryClaimTokens};
pub use dedupe::{Dedupe, MemoryDedupe};
