//! Claim numbers on Redis: each claim's pool is four keys under one hash
//! tag (see `schema.rs`), changed by one script per operation, which first
//! frees the reservations whose time is up (`lua/claim_prelude.lua`). The
//! reservations waiting on one claim, and an executing attempt's take-over
//! of its simulation hold, are made in batches (`crate::batch`), one script
//! run per batch (`batch.rs`).

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};
use redis::Script;

use super::batch;
use super::scripts::SCRIPTS;
use super::store::{millis, RedisStore, BACKEND};
use crate::unavailable::whole;

impl RedisStore {
    /// Runs `script` on the pool of `claim_id`.
    async fn claim_script<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        claim_id: &str,
        args: &[&str],
    ) -> Result<T, Error> {
        self.script(script, self.claim_keys(claim_id), args).await
    }
}

impl ClaimNumbers for RedisStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.take_over_or_reserve(pool, None, attempt_id).await
    }

    /// Both steps in the claim's next batch: one run of `reserve.lua` for
    /// the whole batch.
    async fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<u64, Error> {
        let batcher = || batch::Batcher {
            store: self.clone(),
        };
        self.batches
            .take_over_or_reserve(
                pool.claim_id,
                holder,
                attempt_id,
                (pool.limit, pool.hold),
                self.timeout,
                batcher,
            )
            .await
    }

    async fn lowest_free(&self, claim_id: &str) -> Result<u64, Error> {
        let answer: i64 = self
            .claim_script(&SCRIPTS.lowest_free, claim_id, &[])
            .await?;
        whole(BACKEND, "a claim number", answer)
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let _: i64 = self
            .claim_script(&SCRIPTS.confirm, claim_id, &[attempt_id])
            .await?;
        Ok(())
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        let _: i64 = self
            .claim_script(&SCRIPTS.release, claim_id, &[attempt_id])
            .await?;
        Ok(())
    }

    async fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<Option<u64>, Error> {
        let answer: i64 = self
            .claim_script(
                &SCRIPTS.take_over,
                pool.claim_id,
                &[holder.unwrap_or(""), attempt_id, &millis(pool.hold)],
            )
            .await?;
        match answer {
            -1 => Ok(None),
            n => whole(BACKEND, "a claim number", n).map(Some),
        }
    }

    async fn assign(&self, claim_id: &str, attempt_id: &str, number: u64) -> Result<bool, Error> {
        if number >= 1 << 53 {
            return Err(Error::new(ErrorKind::Exhausted));
        }
        let answer: i64 = self
            .claim_script(
                &SCRIPTS.assign,
                claim_id,
                &[attempt_id, &number.to_string()],
            )
            .await?;
        Ok(answer == 1)
    }
}
