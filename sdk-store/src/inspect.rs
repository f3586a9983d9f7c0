//! Inspection through [`Store`], and what every backend's reading shares:
//! the rows it reads, decoded into the core's records by one set of rules
//! (a state or a negative time a store never writes is an error, never a
//! default).
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "redis")),
    allow(dead_code, unused_imports)
)]

use std::time::Duration;

use claimkit::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use claimkit::Error;

use crate::metered::metered;
use crate::store::Store;
use crate::unavailable::{corrupt, count, whole};

impl Inspect for Store {
    async fn actions(&self, state: ActionState, limit: usize) -> Result<Vec<ActionRecord>, Error> {
        metered!(self, Actions, store => store.actions(state, limit))
    }

    async fn action(&self, key: &str) -> Result<Option<ActionRecord>, Error> {
        metered!(self, Action, store => store.action(key))
    }

    async fn claim_use(
        &self,
        claim_id: &str,
        bound: Option<u64>,
        limit: usize,
    ) -> Result<ClaimUse, Error> {
        metered!(self, ClaimUse, store => store.claim_use(claim_id, bound, limit))
    }

    async fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> Result<Option<HeldNumber>, Error> {
        metered!(self, HeldNumber, store => store.held_number(claim_id, attempt_id))
    }

    async fn token(&self, attempt_key: &str) -> Result<Option<TokenRecord>, Error> {
        metered!(self, Token, store => store.token(attempt_key))
    }

    async fn delivery(&self, key: &str) -> Result<Option<DeliveryRecord>, Error> {
        metered!(self, Delivery, store => store.delivery(key))
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        metered!(self, QueueDepth, store => store.queue_depth())
    }
}

/// The action queue's counts, as a backend reads them: the wait of the
/// action due longest in milliseconds, `None` when none is due.
pub(crate) struct QueueRow {
    pub(crate) due: i64,
    pub(crate) waiting: i64,
    pub(crate) running: i64,
    pub(crate) dead: i64,
    pub(crate) oldest_due_ms: Option<i64>,
}

impl QueueRow {
    /// The core's counts: a negative count or wait is corrupt.
    pub(crate) fn depth(self, backend: &'static str) -> Result<QueueDepth, Error> {
        Ok(QueueDepth {
            due: whole(backend, "a count of due actions", self.due)?,
            waiting: whole(backend, "a count of waiting actions", self.waiting)?,
            running: whole(backend, "a count of running actions", self.running)?,
            dead: whole(backend, "a count of dead actions", self.dead)?,
            oldest_due: millis(
                backend,
                "a due action's wait",
                self.oldest_due_ms.unwrap_or(0),
            )?,
        })
    }
}

/// An action's row, as a backend reads it: times in milliseconds from the
/// store's now.
pub(crate) struct ActionRow {
    pub(crate) key: String,
    pub(crate) state: String,
    pub(crate) payload: Option<String>,
    pub(crate) attempts: i64,
    pub(crate) last_error: Option<String>,
    pub(crate) at_ms: i64,
    pub(crate) age_ms: i64,
}

impl ActionRow {
    /// The core's record of the row: a done action shows no payload.
    pub(crate) fn record(self, backend: &'static str) -> Result<ActionRecord, Error> {
        let state = ActionState::parse(&self.state).ok_or_else(|| {
            corrupt(
                backend,
                format!("an action's state is unknown: {:?}", self.state),
            )
        })?;
        Ok(ActionRecord {
            key: self.key,
            state,
            payload: self.payload.filter(|_| state != ActionState::Done),
            attempts: count(backend, "a try count", self.attempts)?,
            last_error: self.last_error,
            at_ms: self.at_ms,
            age: millis(backend, "an action's age", self.age_ms)?,
        })
    }
}

/// A held number's row: `expires_in_ms` is `None` once confirmed.
pub(crate) fn held_number(
    backend: &'static str,
    number: i64,
    attempt_id: String,
    expires_in_ms: Option<i64>,
) -> Result<HeldNumber, Error> {
    Ok(HeldNumber {
        number: whole(backend, "a claim number", number)?,
        attempt_id,
        expires_in: expires_in_ms
            .map(|ms| millis(backend, "a reservation's time", ms))
            .transpose()?,
    })
}

/// A non-negative time in milliseconds; a negative one is corrupt.
pub(crate) fn millis(backend: &'static str, what: &str, ms: i64) -> Result<Duration, Error> {
    whole(backend, what, ms).map(Duration::from_millis)
}

/// A bound as the statements compare it: `None` is no bound.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn bound(bound: Option<u64>) -> i64 {
    bound.map_or(i64::MAX, |bound| i64::try_from(bound).unwrap_or(i64::MAX))
}

/// A limit as the statements take it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
