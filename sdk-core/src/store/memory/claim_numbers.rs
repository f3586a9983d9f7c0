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
        if let Some(claim) = state.claims.get(pool.claim_id) {
            if let Some(&(number, _)) = claim.held.get(attempt) {
                return Ok(number);
            }
        }
        self.make_room(&mut state, now)?;
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
}
