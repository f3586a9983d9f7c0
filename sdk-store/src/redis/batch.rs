//! One claim's batch of reservations on Redis (see `crate::batch`), each
//! taking over its holder's simulation hold first when it has one: one
//! run of `lua/reserve.lua` for the whole batch, so that the batch pays for
//! one round trip and one pass of the claim's prelude (the clock and the
//! sweep of expired reservations) on Redis' single thread. Up to
//! [`IN_FLIGHT`] batches of one claim run at once.

use claimkit::{Error, ErrorKind};

use super::scripts::SCRIPTS;
use super::store::{millis, RedisStore, BACKEND};
use crate::batch::{Reserver, Waiter};
use crate::unavailable::whole;

/// How many batches of one claim a process has in flight at once: each run
/// of the script is atomic, so they need no order between them, and a batch
/// need not wait for the round trip of the one before. The connection
/// pipelines them.
const IN_FLIGHT: usize = 4;

/// What a claim's leader needs of the store.
pub(super) struct Batcher {
    pub(super) store: RedisStore,
}

impl Reserver for Batcher {
    const BACKEND: &'static str = BACKEND;
    const IN_FLIGHT: usize = IN_FLIGHT;

    async fn reserve(
        &mut self,
        claim: &str,
        batch: &[Waiter],
    ) -> Result<Vec<Result<u64, Error>>, Error> {
        let mut invocation = SCRIPTS.reserve.prepare_invoke();
        for key in self.store.claim_keys(claim) {
            invocation.key(key);
        }
        for waiter in batch {
            invocation
                .arg(&waiter.attempt)
                .arg(waiter.holder.as_deref().unwrap_or(""))
                .arg(millis(waiter.hold))
                .arg(limit(waiter.limit));
        }
        let answers: Vec<i64> = self.store.run(invocation).await?;
        Ok(answers.into_iter().map(number).collect())
    }
}

/// A claim's bound as the script reads it: `''` for none (and for bounds a
/// Lua number cannot hold exactly, which no claim reaches).
fn limit(limit: Option<u64>) -> String {
    match limit {
        Some(limit) if limit < (1 << 53) => limit.to_string(),
        _ => String::new(),
    }
}

/// The script's claim number: `-1` when none is left; any other negative
/// number is corrupt.
fn number(answer: i64) -> Result<u64, Error> {
    match answer {
        -1 => Err(Error::new(ErrorKind::Exhausted)),
        n => whole(BACKEND, "a claim number", n),
    }
}
