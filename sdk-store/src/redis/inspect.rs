//! Inspection on Redis: one read-only script per question, by Redis'
//! clock. None writes, not even to free an expired reservation or forget an
//! expired action (the other scripts do that on their next write); each
//! shows it as what it counts as.

use std::sync::LazyLock;

use claimkit::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use claimkit::Error;
use redis::Script;

use super::store::{RedisStore, BACKEND};
use crate::inspect::{held_number, millis, ActionRow, QueueRow};
use crate::unavailable::{corrupt, whole};

/// The inspection scripts.
struct Scripts {
    actions: Script,
    action: Script,
    claim: Script,
    number: Script,
    kept: Script,
    queue: Script,
}

static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    actions: Script::new(include_str!("lua/inspect_actions.lua")),
    action: Script::new(include_str!("lua/inspect_action.lua")),
    claim: Script::new(include_str!("lua/inspect_claim.lua")),
    number: Script::new(include_str!("lua/inspect_number.lua")),
    kept: Script::new(include_str!("lua/inspect_kept.lua")),
    queue: Script::new(include_str!("lua/inspect_queue.lua")),
});

/// An action as the scripts answer it: its key (in a list) or its state
/// (one action asked for by key), its payload, tries, last error, time from
/// now and age.
type Answer = (String, Option<String>, i64, Option<String>, i64, i64);

fn action(key: String, state: String, answer: Answer) -> Result<ActionRecord, Error> {
    let (_, payload, attempts, last_error, at_ms, age_ms) = answer;
    ActionRow {
        key,
        state,
        payload,
        attempts,
        last_error,
        at_ms,
        age_ms,
    }
    .record(BACKEND)
}

/// A number's time left as the scripts answer it: `-1` once confirmed.
fn expires_in(ms: i64) -> Option<i64> {
    (ms != -1).then_some(ms)
}

/// A bound as the scripts read it: `''` for none (and for bounds a Lua
/// number cannot hold exactly, which no claim reaches).
fn bound(bound: Option<u64>) -> String {
    match bound {
        Some(bound) if bound < (1 << 53) => bound.to_string(),
        _ => String::new(),
    }
}

impl RedisStore {
    /// The value of a token's or delivery's key and the time it is kept.
    async fn kept(&self, key: String) -> Result<Option<(String, std::time::Duration)>, Error> {
        let kept: Option<(String, i64)> = self.script(&SCRIPTS.kept, [key], &[]).await?;
        kept.map(|(value, ms)| Ok((value, millis(BACKEND, "a key's time to live", ms)?)))
            .transpose()
    }
}

impl Inspect for RedisStore {
    async fn actions(&self, state: ActionState, limit: usize) -> Result<Vec<ActionRecord>, Error> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let limit = limit.min(10_000).to_string();
        let listed: Vec<Answer> = self
            .script(
                &SCRIPTS.actions,
                self.queue_keys(),
                &[state.as_str(), &limit],
            )
            .await?;
        listed
            .into_iter()
            .map(|answer| action(answer.0.clone(), state.as_str().to_owned(), answer))
            .collect()
    }

    async fn action(&self, key: &str) -> Result<Option<ActionRecord>, Error> {
        let found: Option<Answer> = self
            .script(&SCRIPTS.action, self.queue_keys(), &[key])
            .await?;
        found
            .map(|answer| action(key.to_owned(), answer.0.clone(), answer))
            .transpose()
    }

    async fn claim_use(
        &self,
        claim_id: &str,
        below: Option<u64>,
        limit: usize,
    ) -> Result<ClaimUse, Error> {
        let limit = limit.min(100_000).to_string();
        let (next, confirmed, held, listed): (i64, i64, i64, Vec<(i64, String, i64)>) = self
            .script(
                &SCRIPTS.claim,
                self.claim_keys(claim_id),
                &[&bound(below), &limit],
            )
            .await?;
        Ok(ClaimUse {
            claim_id: claim_id.to_owned(),
            bound: below,
            confirmed: whole(BACKEND, "a count", confirmed)?,
            held: whole(BACKEND, "a count", held)?,
            next: whole(BACKEND, "a claim number", next)?,
            numbers: listed
                .into_iter()
                .map(|(number, attempt, ms)| held_number(BACKEND, number, attempt, expires_in(ms)))
                .collect::<Result<_, _>>()?,
        })
    }

    async fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> Result<Option<HeldNumber>, Error> {
        let found: Option<(i64, i64)> = self
            .script(&SCRIPTS.number, self.claim_keys(claim_id), &[attempt_id])
            .await?;
        found
            .map(|(number, ms)| held_number(BACKEND, number, attempt_id.to_owned(), expires_in(ms)))
            .transpose()
    }

    async fn token(&self, attempt_key: &str) -> Result<Option<TokenRecord>, Error> {
        Ok(self
            .kept(self.key("token", attempt_key))
            .await?
            .map(|(token, expires_in)| TokenRecord { token, expires_in }))
    }

    async fn delivery(&self, key: &str) -> Result<Option<DeliveryRecord>, Error> {
        let Some((value, expires_in)) = self.kept(self.key("delivery", key)).await? else {
            return Ok(None);
        };
        match value.as_str() {
            "done" => Ok(Some(DeliveryRecord::Done { expires_in })),
            lease if lease.starts_with("lease:") => {
                Ok(Some(DeliveryRecord::InFlight { expires_in }))
            }
            _ => Err(corrupt(BACKEND, "a delivery's value is unknown")),
        }
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        let (due, waiting, running, dead, oldest): (i64, i64, i64, i64, i64) =
            self.script(&SCRIPTS.queue, self.queue_keys(), &[]).await?;
        QueueRow {
            due,
            waiting,
            running,
            dead,
            oldest_due_ms: (oldest != -1).then_some(oldest),
        }
        .depth(BACKEND)
    }
}
