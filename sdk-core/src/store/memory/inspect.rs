//! Inspection in memory: reads under the lock, by the store's clock,
//! without forgetting what expired.

use std::time::{Duration, Instant};

use super::schema::{Action, Delivery, Entry, Phase, State};
use super::store::MemoryStore;
use crate::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use crate::Error;

/// `at` from `now`, in milliseconds (negative in the past).
fn offset_ms(at: Instant, now: Instant) -> i64 {
    match at.checked_duration_since(now) {
        Some(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
        None => i64::try_from(now.duration_since(at).as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The action as it counts at `now`: `None` once forgotten.
fn record(key: &str, action: &Action, now: Instant) -> Option<ActionRecord> {
    let (state, at) = match &action.phase {
        Phase::Pending { due } => (ActionState::Pending, *due),
        Phase::Running { until, .. } => (ActionState::Running, *until),
        Phase::Done { until } => (ActionState::Done, *until),
        Phase::Dead { until, .. } => (ActionState::Dead, *until),
    };
    if matches!(state, ActionState::Done | ActionState::Dead) && at <= now {
        return None;
    }
    Some(ActionRecord {
        key: key.to_owned(),
        state,
        payload: (state != ActionState::Done).then(|| action.payload.clone()),
        attempts: action.attempts,
        last_error: action.last_error.clone(),
        at_ms: offset_ms(at, now),
        age: now.saturating_duration_since(action.since),
    })
}

/// When the entry expires, by the deadlines kept for it.
fn deadline(state: &State, entry: &Entry) -> Option<Instant> {
    state
        .deadlines
        .iter()
        .find(|(_, kept)| kept == entry)
        .map(|(at, _)| *at)
}

impl MemoryStore {
    fn claim_use_at(
        &self,
        claim_id: &str,
        bound: Option<u64>,
        limit: usize,
        now: Instant,
    ) -> ClaimUse {
        let state = self.lock();
        let mut used = ClaimUse {
            claim_id: claim_id.to_owned(),
            bound,
            confirmed: 0,
            held: 0,
            next: 0,
            numbers: Vec::new(),
        };
        let Some(claim) = state.claims.get(claim_id) else {
            return used;
        };
        used.next = claim.next;
        let mut numbers: Vec<HeldNumber> = claim
            .held
            .iter()
            .filter(|(_, (number, _))| bound.is_none_or(|bound| *number < bound))
            .filter_map(|(attempt, (number, until))| {
                let expires_in = match until {
                    Some(until) if *until <= now => return None,
                    Some(until) => Some(until.duration_since(now)),
                    None => None,
                };
                Some(HeldNumber {
                    number: *number,
                    attempt_id: attempt.clone(),
                    expires_in,
                })
            })
            .collect();
        numbers.sort_by_key(|held| held.number);
        used.confirmed = numbers.iter().filter(|held| held.is_confirmed()).count() as u64;
        used.held = numbers.len() as u64 - used.confirmed;
        numbers.truncate(limit);
        used.numbers = numbers;
        used
    }

    fn held_number_at(&self, claim_id: &str, attempt_id: &str, now: Instant) -> Option<HeldNumber> {
        let state = self.lock();
        let (number, until) = *state.claims.get(claim_id)?.held.get(attempt_id)?;
        let expires_in = match until {
            Some(until) if until <= now => return None,
            Some(until) => Some(until.duration_since(now)),
            None => None,
        };
        Some(HeldNumber {
            number,
            attempt_id: attempt_id.to_owned(),
            expires_in,
        })
    }

    fn token_at(&self, attempt_key: &str, now: Instant) -> Option<TokenRecord> {
        let state = self.lock();
        let (token, until) = state.tokens.get(attempt_key)?;
        (*until > now).then(|| TokenRecord {
            token: token.clone(),
            expires_in: until.duration_since(now),
        })
    }

    fn delivery_at(&self, key: &str, now: Instant) -> Option<DeliveryRecord> {
        let state = self.lock();
        let until = match state.deliveries.get(key)? {
            Delivery::InFlight { until, .. } => *until,
            Delivery::Done => deadline(&state, &Entry::Delivery(key.to_owned()))?,
        };
        if until <= now {
            return None;
        }
        let expires_in: Duration = until.duration_since(now);
        Some(match state.deliveries.get(key)? {
            Delivery::InFlight { .. } => DeliveryRecord::InFlight { expires_in },
            Delivery::Done => DeliveryRecord::Done { expires_in },
        })
    }

    fn queue_depth_at(&self, now: Instant) -> QueueDepth {
        let kept = self.lock();
        let mut depth = QueueDepth::default();
        for action in kept.actions.values() {
            match &action.phase {
                Phase::Pending { due: at } | Phase::Running { until: at, .. } if *at <= now => {
                    depth.due += 1;
                    depth.oldest_due = depth.oldest_due.max(now.duration_since(*at));
                }
                Phase::Pending { .. } => depth.waiting += 1,
                Phase::Running { .. } => depth.running += 1,
                Phase::Dead { until, .. } if *until > now => depth.dead += 1,
                Phase::Dead { .. } | Phase::Done { .. } => {}
            }
        }
        depth
    }

    fn actions_at(&self, state: ActionState, limit: usize, now: Instant) -> Vec<ActionRecord> {
        let kept = self.lock();
        let mut listed: Vec<ActionRecord> = kept
            .actions
            .iter()
            .filter_map(|(key, action)| record(key, action, now))
            .filter(|action| action.state == state)
            .collect();
        listed.sort_by(|a, b| a.at_ms.cmp(&b.at_ms).then_with(|| a.key.cmp(&b.key)));
        listed.truncate(limit);
        listed
    }

    fn action_at(&self, key: &str, now: Instant) -> Option<ActionRecord> {
        let state = self.lock();
        record(key, state.actions.get(key)?, now)
    }
}

impl Inspect for MemoryStore {
    async fn actions(&self, state: ActionState, limit: usize) -> Result<Vec<ActionRecord>, Error> {
        Ok(self.actions_at(state, limit, self.now()))
    }

    async fn action(&self, key: &str) -> Result<Option<ActionRecord>, Error> {
        Ok(self.action_at(key, self.now()))
    }

    async fn claim_use(
        &self,
        claim_id: &str,
        bound: Option<u64>,
        limit: usize,
    ) -> Result<ClaimUse, Error> {
        Ok(self.claim_use_at(claim_id, bound, limit, self.now()))
    }

    async fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> Result<Option<HeldNumber>, Error> {
        Ok(self.held_number_at(claim_id, attempt_id, self.now()))
    }

    async fn token(&self, attempt_key: &str) -> Result<Option<TokenRecord>, Error> {
        Ok(self.token_at(attempt_key, self.now()))
    }

    async fn delivery(&self, key: &str) -> Result<Option<DeliveryRecord>, Error> {
        Ok(self.delivery_at(key, self.now()))
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        Ok(self.queue_depth_at(self.now()))
    }
}
