//! One claim's batch of reservations on Redis (see `crate::batch`), each
//! taking over its holder's simulation hold first when it has one: one
//! run of `lua/reserve.lua` for the whole batch, so that the batch pays for
//! one round trip, one pass of the claim's prelude (the clock and the
//! sweep of expired reservations) and a few commands on Redis' single
//! thread, whatever its size. The command is written as it goes on the
//! wire, and the answer is one string of numbers: the process's work per
//! reservation is a few arguments and one number to read. One batch of a
//! claim is in flight at a time ([`IN_FLIGHT`]).

use claimkit::{Error, ErrorKind};

use super::schema::CLAIM_PARTS;
use super::scripts::SCRIPTS;
use super::store::{whole_millis, RedisStore, BACKEND};
use crate::batch::{Reserver, Waiter};
use crate::unavailable::{corrupt, whole};

/// How many batches of one claim a process has in flight at once. Each run
/// of the script is atomic, so several could run without an order between
/// them (the connection would pipeline them); one is cheaper. Measured in
/// BENCHMARKS.md ("Redis: the batch's cost"): with one in flight the
/// batches of a 32-connection drop hold about 12 reservations, against 5
/// with four, and each reservation costs the process about 10 % and Redis
/// about 20 % less CPU, for the same p99.
const IN_FLIGHT: usize = 1;

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
        // The command written as it goes on the wire: no string made per
        // key or argument.
        let script = &SCRIPTS.reserve;
        let mut command = redis::cmd("EVALSHA");
        command.arg(script.get_hash()).arg(CLAIM_PARTS.len());
        self.store.write_claim_keys(&mut command, claim);
        for waiter in batch {
            command
                .arg(waiter.attempt.as_str())
                .arg(waiter.holder.as_deref().unwrap_or(""))
                .arg(whole_millis(waiter.hold));
            match waiter.limit {
                Some(limit) if limit < (1 << 53) => command.arg(limit),
                // No bound, or one a Lua number cannot hold exactly, which
                // no claim reaches.
                _ => command.arg(""),
            };
        }
        let answers: Vec<u8> = self.store.eval(script, &command).await?;
        Ok(answers.split(|&byte| byte == b',').map(number).collect())
    }
}

/// One claim number of the script's answer: `-1` when none is left; any
/// other negative number, or anything but a number, is corrupt.
fn number(answer: &[u8]) -> Result<u64, Error> {
    match std::str::from_utf8(answer).map(str::parse::<i64>) {
        Ok(Ok(-1)) => Err(Error::new(ErrorKind::Exhausted)),
        Ok(Ok(n)) => whole(BACKEND, "a claim number", n),
        _ => Err(corrupt(
            BACKEND,
            format!(
                "a claim number is not a number: {:?}",
                String::from_utf8_lossy(answer)
            ),
        )),
    }
}
