//! Deliveries on SQLite: one row per key in `claimkit_deliveries`, leased
//! (a lease token) or done (none), until its expiry.

use claimkit::store::{Begun, Deliveries, DeliveryTerms, Lease};
use claimkit::Error;
use sqlx::SqliteConnection;

use super::statement::Statement;
use super::store::SqliteStore;
use super::writer::{millis, Batch, Write};

const BEGIN_DELIVERY: &str = include_str!("sql/begin_delivery.sql");
const DELIVERY_LEASE: &str = include_str!("sql/delivery_lease.sql");
const COMPLETE_DELIVERY: &str = include_str!("sql/complete_delivery.sql");
const ABANDON_DELIVERY: &str = include_str!("sql/abandon_delivery.sql");

/// Leases a new (or expired) delivery, or says why not.
struct Begin {
    key: String,
    lease_ms: i64,
}

impl Write for Begin {
    type Output = Begun;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<Begun, Error>, sqlx::Error> {
        let lease = Lease::random();
        let leased: Option<String> = sqlx::query_scalar(BEGIN_DELIVERY)
            .bind(&self.key)
            .bind(lease.token())
            .bind(batch.now.saturating_add(self.lease_ms))
            .bind(batch.now)
            .fetch_optional(&mut *tx)
            .await?;
        if leased.is_some() {
            return Ok(Ok(Begun::Leased(lease)));
        }
        let holder: Option<String> = sqlx::query_scalar(DELIVERY_LEASE)
            .bind(&self.key)
            .fetch_one(&mut *tx)
            .await?;
        Ok(Ok(match holder {
            Some(_) => Begun::InFlight,
            None => Begun::Done,
        }))
    }
}

impl Deliveries for SqliteStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        self.write(Begin {
            key: key.to_owned(),
            lease_ms: millis(terms.lease),
        })
        .await
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        // Done, remembered for the retention.
        let complete = Statement::new(COMPLETE_DELIVERY)
            .text(key)
            .text(lease.token())
            .later(millis(terms.retention))
            .now();
        self.write(complete).await
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        // Freed for the next delivery.
        let abandon = Statement::new(ABANDON_DELIVERY)
            .text(key)
            .text(lease.token())
            .now();
        self.write(abandon).await
    }
}
