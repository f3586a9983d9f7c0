//! Claim numbers in memory.

use std::time::Instant;

use super::schema::{Claim, Entry, State};
use super::store::MemoryStore;
use crate::store::{ClaimNumbers, ClaimPool};
use crate::{Error, ErrorKind};

impl MemoryStore {
    pub(super) fn reserve_at(
        &self,
        pool: &ClaimPool<'_>,
        attempt: &str,
        now: Instant,
    ) -> Result<u64, Error> {
        let mut state = self.lock();
        state.expire(now);
        self.reserve_in(&mut state, pool, attempt, now)
    }

    /// Both steps of an executing call under one lock: the number the
    /// attempt holds or takes over, else the lowest free reserved.
    pub(super) fn take_over_or_reserve_at(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt: &str,
        now: Instant,
    ) -> Result<u64, Error> {
        let mut state = self.lock();
        state.expire(now);
        match take_over_in(&mut state, pool, holder, attempt, now) {
            Some(number) => Ok(number),
            None => self.reserve_in(&mut state, pool, attempt, now),
        }
    }

    /// [`reserve_at`](Self::reserve_at) on the locked, expired state.
    fn reserve_in(
        &self,
        state: &mut State,
        pool: &ClaimPool<'_>,
        attempt: &str,
        now: Instant,
    ) -> Result<u64, Error> {
        if let Some(claim) = state.claims.get(pool.claim_id) {
            if let Some(&(number, _)) = claim.held.get(attempt) {
                return Ok(number);
            }
        }
        self.make_room(state, now)?;
        let claim = state.claims.entry(pool.claim_id.to_owned()).or_default();
        let number = pool.admit(claim.lowest_free())?;
        if !claim.free.remove(&number) {
            claim.next = number
                .checked_add(1)
                .ok_or(Error::new(ErrorKind::Exhausted))?;
        }
        let until = now + pool.hold;
        claim.held.insert(attempt.to_owned(), (number, Some(until)));
        state.deadlines.insert((
            until,
            Entry::Reservation {
                claim: pool.claim_id.to_owned(),
                attempt: attempt.to_owned(),
            },
        ));
        Ok(number)
    }

    pub(super) fn lowest_free_at(&self, claim_id: &str, now: Instant) -> u64 {
        let mut state = self.lock();
        state.expire(now);
        state.claims.get(claim_id).map_or(0, Claim::lowest_free)
    }

    pub(super) fn take_over_at(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt: &str,
        now: Instant,
    ) -> Option<u64> {
        let mut state = self.lock();
        state.expire(now);
        take_over_in(&mut state, pool, holder, attempt, now)
    }

    pub(super) fn assign_at(
        &self,
        claim_id: &str,
        attempt: &str,
        number: u64,
        now: Instant,
    ) -> Result<bool, Error> {
        let mut state = self.lock();
        state.expire(now);
        let State {
            claims, deadlines, ..
        } = &mut *state;
        let claim = claims.entry(claim_id.to_owned()).or_default();
        if let Some(&(held, until)) = claim.held.get(attempt) {
            if held != number {
                return Ok(false);
            }
            if let Some(until) = until {
                deadlines.remove(&(
                    until,
                    Entry::Reservation {
                        claim: claim_id.to_owned(),
                        attempt: attempt.to_owned(),
                    },
                ));
                claim.held.insert(attempt.to_owned(), (number, None));
            }
            return Ok(true);
        }
        if number < claim.next {
            if !claim.free.remove(&number) {
                return Ok(false); // another attempt holds it
            }
        } else {
            claim.free.extend(claim.next..number);
            claim.next = number
                .checked_add(1)
                .ok_or(Error::new(ErrorKind::Exhausted))?;
        }
        claim.held.insert(attempt.to_owned(), (number, None));
        Ok(true)
    }

    fn settle(&self, claim_id: &str, attempt: &str, confirm: bool) {
        let mut state = self.lock();
        let State {
            claims, deadlines, ..
        } = &mut *state;
        let Some(claim) = claims.get_mut(claim_id) else {
            return;
        };
        let Some(&(number, Some(until))) = claim.held.get(attempt) else {
            return; // unknown, or confirmed already
        };
        deadlines.remove(&(
            until,
            Entry::Reservation {
                claim: claim_id.to_owned(),
                attempt: attempt.to_owned(),
            },
        ));
        if confirm {
            claim.held.insert(attempt.to_owned(), (number, None));
        } else {
            claim.held.remove(attempt);
            claim.free.insert(number);
        }
    }
}

/// [`take_over_at`](MemoryStore::take_over_at) on the locked, expired
/// state.
fn take_over_in(
    state: &mut State,
    pool: &ClaimPool<'_>,
    holder: Option<&str>,
    attempt: &str,
    now: Instant,
) -> Option<u64> {
    let State {
        claims, deadlines, ..
    } = state;
    let claim = claims.get_mut(pool.claim_id)?;
    if let Some(&(number, _)) = claim.held.get(attempt) {
        return Some(number);
    }
    let holder = holder?;
    let &(number, Some(until)) = claim.held.get(holder)? else {
        return None; // a holder's number is never confirmed
    };
    claim.held.remove(holder);
    deadlines.remove(&(
        until,
        Entry::Reservation {
            claim: pool.claim_id.to_owned(),
            attempt: holder.to_owned(),
        },
    ));
    let until = now + pool.hold;
    claim.held.insert(attempt.to_owned(), (number, Some(until)));
    deadlines.insert((
        until,
        Entry::Reservation {
            claim: pool.claim_id.to_owned(),
            attempt: attempt.to_owned(),
        },
    ));
    Some(number)
}

impl ClaimNumbers for MemoryStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.reserve_at(pool, attempt_id, self.now())
    }

    async fn lowest_free(&self, claim_id: &str) -> Result<u64, Error> {
        Ok(self.lowest_free_at(claim_id, self.now()))
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(claim_id, attempt_id, true);
        Ok(())
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(claim_id, attempt_id, false);
        Ok(())
    }

    async fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<Option<u64>, Error> {
        Ok(self.take_over_at(pool, holder, attempt_id, self.now()))
    }

    async fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> Result<u64, Error> {
        self.take_over_or_reserve_at(pool, holder, attempt_id, self.now())
    }

    async fn assign(&self, claim_id: &str, attempt_id: &str, number: u64) -> Result<bool, Error> {
        self.assign_at(claim_id, attempt_id, number, self.now())
    }
}
