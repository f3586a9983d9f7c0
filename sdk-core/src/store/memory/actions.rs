//! The action queue in memory.

use std::time::Instant;

use super::schema::{Action, Entry, Phase, State};
use super::store::MemoryStore;
use crate::store::{ActionState, ActionTerms, Actions, DeadAction, DueAction, Lease, Next};
use crate::Error;

impl MemoryStore {
    pub(super) fn enqueue_at(&self, key: &str, payload: &str, now: Instant) -> Result<bool, Error> {
        let mut state = self.lock();
        state.expire(now);
        if state.actions.contains_key(key) {
            return Ok(false);
        }
        self.make_room(&mut state, now)?;
        state.actions.insert(
            key.to_owned(),
            Action {
                payload: payload.to_owned(),
                attempts: 0,
                since: now,
                phase: Phase::Pending { due: now },
                last_error: None,
            },
        );
        state.queue.insert((now, key.to_owned()));
        Ok(true)
    }

    pub(super) fn take_due_at(
        &self,
        limit: usize,
        terms: &ActionTerms,
        now: Instant,
    ) -> Vec<DueAction> {
        let mut state = self.lock();
        state.expire(now);
        let mut taken = Vec::new();
        while taken.len() < limit {
            let Some((due, _)) = state.queue.first() else {
                break;
            };
            if *due > now {
                break;
            }
            let Some((_, key)) = state.queue.pop_first() else {
                break;
            };
            let Some(action) = state.actions.get_mut(&key) else {
                continue;
            };
            let lease = Lease::random();
            let until = now + terms.lease;
            action.attempts = action.attempts.saturating_add(1);
            action.phase = Phase::Running {
                token: lease.token().to_owned(),
                until,
            };
            taken.push(DueAction {
                key: key.clone(),
                payload: action.payload.clone(),
                attempt: action.attempts,
                age: now.saturating_duration_since(action.since),
                lease,
            });
            state.queue.insert((until, key));
        }
        taken
    }

    /// Moves the action `key`, if `lease` runs it, to what `to` makes of
    /// it; answers whether it did.
    fn settle_action_at(
        &self,
        key: &str,
        lease: &Lease,
        now: Instant,
        error: Option<&str>,
        to: impl FnOnce(Instant) -> Phase,
    ) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let State {
            actions,
            queue,
            deadlines,
            ..
        } = &mut *state;
        let Some(action) = actions.get_mut(key) else {
            return false;
        };
        let Phase::Running { token, until } = &action.phase else {
            return false;
        };
        if token != lease.token() {
            return false;
        }
        queue.remove(&(*until, key.to_owned()));
        action.phase = to(now);
        if let Some(error) = error {
            action.last_error = Some(error.to_owned());
        }
        match &action.phase {
            Phase::Pending { due } => {
                queue.insert((*due, key.to_owned()));
            }
            Phase::Running { until, .. } => {
                queue.insert((*until, key.to_owned()));
            }
            Phase::Done { until } | Phase::Dead { until, .. } => {
                deadlines.insert((*until, Entry::Action(key.to_owned())));
            }
        }
        true
    }

    pub(super) fn renew_at(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        self.settle_action_at(key, lease, now, None, |now| Phase::Running {
            token: lease.token().to_owned(),
            until: now + terms.lease,
        })
    }

    pub(super) fn succeed_at(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        self.settle_action_at(key, lease, now, None, |now| Phase::Done {
            until: now + terms.retention,
        })
    }

    pub(super) fn fail_at(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        let (state, after) = ActionState::after_failure(next, terms);
        self.settle_action_at(key, lease, now, Some(error), |now| match state {
            ActionState::Dead => Phase::Dead {
                error: error.to_owned(),
                until: now + after,
            },
            _ => Phase::Pending { due: now + after },
        })
    }

    pub(super) fn dead_at(&self, limit: usize, now: Instant) -> Vec<DeadAction> {
        let mut state = self.lock();
        state.expire(now);
        let mut dead: Vec<DeadAction> = state
            .actions
            .iter()
            .filter_map(|(key, action)| match &action.phase {
                Phase::Dead { error, .. } => Some(DeadAction {
                    key: key.clone(),
                    payload: action.payload.clone(),
                    attempts: action.attempts,
                    last_error: error.clone(),
                }),
                _ => None,
            })
            .collect();
        dead.sort_by(|a, b| a.key.cmp(&b.key));
        dead.truncate(limit);
        dead
    }

    pub(super) fn retry_at(&self, key: &str, now: Instant) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let State {
            actions,
            queue,
            deadlines,
            ..
        } = &mut *state;
        let Some(action) = actions.get_mut(key) else {
            return false;
        };
        let Phase::Dead { until, .. } = &action.phase else {
            return false;
        };
        deadlines.remove(&(*until, Entry::Action(key.to_owned())));
        action.attempts = 0;
        action.since = now;
        action.phase = Phase::Pending { due: now };
        queue.insert((now, key.to_owned()));
        true
    }
}

impl Actions for MemoryStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        self.enqueue_at(key, payload, self.now())
    }

    async fn take_due(&self, limit: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        Ok(self.take_due_at(limit, terms, self.now()))
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        Ok(self.renew_at(key, lease, terms, self.now()))
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        Ok(self.succeed_at(key, lease, terms, self.now()))
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        Ok(self.fail_at(key, lease, next, error, terms, self.now()))
    }

    async fn dead(&self, limit: usize) -> Result<Vec<DeadAction>, Error> {
        Ok(self.dead_at(limit, self.now()))
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        Ok(self.retry_at(key, self.now()))
    }
}
