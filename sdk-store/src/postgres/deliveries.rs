//! Deliveries on PostgreSQL: one row per key in `deliveries`, leased (a
//! lease token) or done (none), until its expiry.

use claimkit::store::{Begun, Deliveries, DeliveryTerms, Lease};
use claimkit::Error;

use super::store::PostgresStore;

impl Deliveries for PostgresStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        self.run(async {
            let lease = Lease::random();
            let holder: Option<String> = sqlx::query_scalar(&self.sql().begin_delivery)
                .bind(key)
                .bind(lease.token())
                .bind(terms.lease.as_secs_f64())
                .fetch_one(&self.pool)
                .await?;
            Ok(Ok(match holder {
                Some(token) if token == lease.token() => Begun::Leased(lease),
                Some(_) => Begun::InFlight,
                None => Begun::Done,
            }))
        })
        .await
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        let complete = sqlx::query(&self.sql().complete_delivery)
            .bind(key)
            .bind(lease.token())
            .bind(terms.retention.as_secs_f64());
        self.changes_one(complete).await
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        let abandon = sqlx::query(&self.sql().abandon_delivery)
            .bind(key)
            .bind(lease.token());
        self.changes_one(abandon).await
    }
}
