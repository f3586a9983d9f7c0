//! Inspection on PostgreSQL: one read-only statement per question (two for
//! a claim, in one read-only transaction), by the database's `now()`;
//! nothing is written, not even what expired (it is shown as what it
//! counts as).

use claimkit::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use claimkit::Error;

use super::sql::{in_schema, BACKEND};
use super::store::PostgresStore;
use crate::inspect::{bound, limit};
use crate::sql_rows;

const ACTIONS: &str = include_str!("sql/inspect_actions.sql");
const ACTION: &str = include_str!("sql/inspect_action.sql");
const CLAIM: &str = include_str!("sql/inspect_claim.sql");
const NUMBERS: &str = include_str!("sql/inspect_numbers.sql");
const NUMBER: &str = include_str!("sql/inspect_number.sql");
const TOKEN: &str = include_str!("sql/inspect_token.sql");
const DELIVERY: &str = include_str!("sql/inspect_delivery.sql");
const QUEUE: &str = include_str!("sql/inspect_queue.sql");
const READ_ONLY: &str = include_str!("sql/read_only.sql");

impl PostgresStore {
    /// `sql` made for the store's schema (an operator's reads are rare: no
    /// statement is kept for them).
    fn inspection(&self, sql: &str) -> String {
        in_schema(sql, self.schema())
    }
}

impl Inspect for PostgresStore {
    async fn actions(&self, state: ActionState, max: usize) -> Result<Vec<ActionRecord>, Error> {
        let sql = self.inspection(ACTIONS);
        self.run(async {
            let rows = sqlx::query(&sql)
                .bind(state.as_str())
                .bind(limit(max))
                .fetch_all(&self.pool)
                .await?;
            Ok(Ok(rows
                .iter()
                .map(|row| sql_rows::action(BACKEND, row))
                .collect::<Result<_, _>>()?))
        })
        .await
    }

    async fn action(&self, key: &str) -> Result<Option<ActionRecord>, Error> {
        let sql = self.inspection(ACTION);
        self.run(async {
            let row = sqlx::query(&sql)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::action(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn claim_use(
        &self,
        claim_id: &str,
        below: Option<u64>,
        max: usize,
    ) -> Result<ClaimUse, Error> {
        let (counts_sql, numbers_sql) = (self.inspection(CLAIM), self.inspection(NUMBERS));
        self.run(async {
            // One snapshot and one now() for both.
            let mut tx = self.pool.begin().await?;
            sqlx::query(READ_ONLY).execute(&mut *tx).await?;
            let counts = sqlx::query(&counts_sql)
                .bind(claim_id)
                .bind(bound(below))
                .fetch_one(&mut *tx)
                .await?;
            let rows = sqlx::query(&numbers_sql)
                .bind(claim_id)
                .bind(bound(below))
                .bind(limit(max))
                .fetch_all(&mut *tx)
                .await?;
            tx.rollback().await?;
            Ok(Ok(sql_rows::claim_use(
                BACKEND, claim_id, below, &counts, &rows,
            )?))
        })
        .await
    }

    async fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> Result<Option<HeldNumber>, Error> {
        let sql = self.inspection(NUMBER);
        self.run(async {
            let row = sqlx::query(&sql)
                .bind(claim_id)
                .bind(attempt_id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::number(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn token(&self, attempt_key: &str) -> Result<Option<TokenRecord>, Error> {
        let sql = self.inspection(TOKEN);
        self.run(async {
            let row = sqlx::query(&sql)
                .bind(attempt_key)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::token(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn delivery(&self, key: &str) -> Result<Option<DeliveryRecord>, Error> {
        let sql = self.inspection(DELIVERY);
        self.run(async {
            let row = sqlx::query(&sql)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::delivery(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        let sql = self.inspection(QUEUE);
        self.run(async {
            let row = sqlx::query(&sql).fetch_one(&self.pool).await?;
            Ok(Ok(sql_rows::queue(BACKEND, &row)?))
        })
        .await
    }
}
