//! The action queue on Redis: one Lua script per step, by Redis' clock.
//!
//! Every key of the queue shares one hash tag, so the scripts run on Redis
//! Cluster (the queue lives on one shard). An action past its retention is
//! as good as absent to every script; [`Purge`](claimkit::store::Purge)
//! forgets it.

use std::time::Duration;

use claimkit::store::{ActionState, ActionTerms, Actions, DeadAction, DueAction, Lease, Next};
use claimkit::Error;
use redis::Script;

use super::scripts::SCRIPTS;
use super::store::{millis, RedisStore, BACKEND};
use crate::unavailable::{count, whole};

impl RedisStore {
    /// Runs `script` on the queue's keys.
    async fn queue_script<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        args: &[&str],
    ) -> Result<T, Error> {
        self.script(script, self.queue_keys(), args).await
    }
}

/// A duration in whole milliseconds, 0 included: an offset from Redis'
/// clock in the scripts (a retry due now is due at once, not in 1 ms).
fn offset(duration: Duration) -> String {
    duration.as_millis().min(u128::from(u64::MAX)).to_string()
}

impl Actions for RedisStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        let new: i64 = self.queue_script(&SCRIPTS.enqueue, &[key, payload]).await?;
        Ok(new == 1)
    }

    async fn take_due(&self, limit: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        let limit = limit.min(1000);
        let leases: Vec<Lease> = (0..limit).map(|_| Lease::random()).collect();
        let (limit, lease) = (limit.to_string(), millis(terms.lease));
        let mut args = vec![limit.as_str(), lease.as_str()];
        args.extend(leases.iter().map(Lease::token));
        let taken: Vec<(String, String, i64, i64, String)> =
            self.queue_script(&SCRIPTS.take_due, &args).await?;
        taken
            .into_iter()
            .map(|(key, payload, attempt, age, lease)| {
                Ok(DueAction {
                    key,
                    payload,
                    attempt: count(BACKEND, "a try count", attempt)?,
                    age: Duration::from_millis(whole(BACKEND, "an action's age", age)?),
                    lease: Lease::new(lease),
                })
            })
            .collect()
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let held: i64 = self
            .queue_script(&SCRIPTS.renew, &[key, lease.token(), &millis(terms.lease)])
            .await?;
        Ok(held == 1)
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        let held: i64 = self
            .queue_script(
                &SCRIPTS.succeed,
                &[key, lease.token(), &millis(terms.retention)],
            )
            .await?;
        Ok(held == 1)
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        let (state, after) = ActionState::after_failure(next, terms);
        let held: i64 = self
            .queue_script(
                &SCRIPTS.fail,
                &[key, lease.token(), state.as_str(), &offset(after), error],
            )
            .await?;
        Ok(held == 1)
    }

    async fn dead(&self, limit: usize) -> Result<Vec<DeadAction>, Error> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let listed: Vec<(String, String, i64, String)> = self
            .queue_script(&SCRIPTS.dead, &[&limit.min(10_000).to_string()])
            .await?;
        listed
            .into_iter()
            .map(|(key, payload, attempts, last_error)| {
                Ok(DeadAction {
                    key,
                    payload,
                    attempts: count(BACKEND, "a try count", attempts)?,
                    last_error,
                })
            })
            .collect()
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        let retried: i64 = self.queue_script(&SCRIPTS.retry, &[key]).await?;
        Ok(retried == 1)
    }
}
