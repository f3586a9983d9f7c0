//! The claim-number reservations of one writer transaction, staged before
//! any write runs and answered by attempt: state the writer's batch carries
//! for the claim-number writes, with no rule of its own.

use std::collections::HashMap;

use claimkit::Error;

/// The reservations of one transaction: staged claim by claim before any
/// write runs, made together when the first of a claim runs (one sweep,
/// one look-up and one insert for all of them), answered by attempt.
#[derive(Debug, Default)]
pub(super) struct Reservations {
    pub(super) staged: HashMap<String, Vec<Staged>>,
    pub(super) answers: HashMap<String, HashMap<String, Result<u64, Error>>>,
}

/// A reservation as its transaction makes it.
#[derive(Debug)]
pub(super) struct Staged {
    pub(super) attempt_id: String,
    /// The simulation hold taken over first, if the attempt holds nothing.
    pub(super) holder: Option<String>,
    /// The bound; `None` also for a bound beyond SQLite's integers.
    pub(super) limit: Option<i64>,
    pub(super) hold_ms: i64,
}
