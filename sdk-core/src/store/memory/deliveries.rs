//! Deliveries in memory.

use std::time::Instant;

use super::schema::{Delivery, Entry};
use super::store::MemoryStore;
use crate::store::{Begun, Deliveries, DeliveryTerms, Lease};
use crate::Error;

impl MemoryStore {
    pub(super) fn begin_at(
        &self,
        key: &str,
        terms: &DeliveryTerms,
        now: Instant,
    ) -> Result<Begun, Error> {
        let mut state = self.lock();
        state.expire(now);
        match state.deliveries.get(key) {
            Some(Delivery::InFlight { .. }) => return Ok(Begun::InFlight),
            Some(Delivery::Done) => return Ok(Begun::Done),
            None => {}
        }
        self.make_room(&mut state, now)?;
        let lease = Lease::random();
        let until = now + terms.lease;
        state.deliveries.insert(
            key.to_owned(),
            Delivery::InFlight {
                token: lease.token().to_owned(),
                until,
            },
        );
        state
            .deadlines
            .insert((until, Entry::Delivery(key.to_owned())));
        Ok(Begun::Leased(lease))
    }

    pub(super) fn end_at(
        &self,
        key: &str,
        lease: &Lease,
        done: Option<&DeliveryTerms>,
        now: Instant,
    ) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let until = match state.deliveries.get(key) {
            Some(Delivery::InFlight { token, until }) if token == lease.token() => *until,
            _ => return false,
        };
        state
            .deadlines
            .remove(&(until, Entry::Delivery(key.to_owned())));
        match done {
            Some(terms) => {
                let until = now + terms.retention;
                state.deliveries.insert(key.to_owned(), Delivery::Done);
                state
                    .deadlines
                    .insert((until, Entry::Delivery(key.to_owned())));
            }
            None => {
                state.deliveries.remove(key);
            }
        }
        true
    }
}

impl Deliveries for MemoryStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        self.begin_at(key, terms, self.now())
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        Ok(self.end_at(key, lease, Some(terms), self.now()))
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        Ok(self.end_at(key, lease, None, self.now()))
    }
}
