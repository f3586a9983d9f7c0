//! Deliveries on Redis: one key per delivery, `lease:<token>` while in
//! flight and `done` after, which Redis expires itself.

use claimkit::store::{Begun, Deliveries, DeliveryTerms, Lease};
use claimkit::Error;

use super::scripts::SCRIPTS;
use super::store::{millis, RedisStore, BACKEND};
use crate::unavailable::corrupt;

impl Deliveries for RedisStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        let lease = Lease::random();
        let state: String = self
            .script(
                &SCRIPTS.begin,
                [self.key("delivery", key)],
                &[lease.token(), &millis(terms.lease)],
            )
            .await?;
        match state.as_str() {
            "leased" => Ok(Begun::Leased(lease)),
            "done" => Ok(Begun::Done),
            "in-flight" => Ok(Begun::InFlight),
            other => Err(corrupt(BACKEND, format!("a delivery's state is {other:?}"))),
        }
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        let done: i64 = self
            .script(
                &SCRIPTS.complete,
                [self.key("delivery", key)],
                &[lease.token(), &millis(terms.retention)],
            )
            .await?;
        Ok(done == 1)
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        let freed: i64 = self
            .script(
                &SCRIPTS.abandon,
                [self.key("delivery", key)],
                &[lease.token()],
            )
            .await?;
        Ok(freed == 1)
    }
}
