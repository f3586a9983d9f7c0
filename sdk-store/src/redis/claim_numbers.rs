//! Claim numbers on Redis: each claim's pool is four keys under one hash
//! tag (see `schema.rs`), changed by one script per operation, which first
//! frees the reservations whose time is up (`lua/claim_prelude.lua`).

use claimkit::store::{ClaimNumbers, ClaimPool};
use claimkit::{Error, ErrorKind};
use redis::Script;

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

/// A claim's bound as a script reads it: `''` for none (and for bounds a
/// Lua number cannot hold exactly, which no claim reaches).
fn limit(limit: Option<u64>) -> String {
    match limit {
        Some(limit) if limit < (1 << 53) => limit.to_string(),
        _ => String::new(),
    }
}

/// A script's claim number: `-1` when none is left; any other negative
/// number is corrupt.
fn number(answer: i64) -> Result<u64, Error> {
    match answer {
        -1 => Err(Error::new(ErrorKind::Exhausted)),
        n => whole(BACKEND, "a claim number", n),
    }
}

impl ClaimNumbers for RedisStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        let answer: i64 = self
            .claim_script(
                &SCRIPTS.reserve,
                pool.claim_id,
                &[attempt_id, &millis(pool.hold), &limit(pool.limit)],
            )
            .await?;
        number(answer)
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
