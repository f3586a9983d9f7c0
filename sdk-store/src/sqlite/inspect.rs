//! Inspection on SQLite: reads through the pool, by the database's clock
//! read once per call, never through the writer: nothing is written, not
//! even what expired (it is shown as what it counts as).

use claimkit::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use claimkit::Error;

use super::store::SqliteStore;
use super::writer::BACKEND;
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

impl Inspect for SqliteStore {
    async fn actions(&self, state: ActionState, max: usize) -> Result<Vec<ActionRecord>, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let rows = sqlx::query(ACTIONS)
                .bind(now)
                .bind(state.as_str())
                .bind(limit(max))
                .fetch_all(&mut *connection)
                .await?;
            Ok(Ok(rows
                .iter()
                .map(|row| sql_rows::action(BACKEND, row))
                .collect::<Result<_, _>>()?))
        })
        .await
    }

    async fn action(&self, key: &str) -> Result<Option<ActionRecord>, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let row = sqlx::query(ACTION)
                .bind(now)
                .bind(key)
                .fetch_optional(&mut *connection)
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
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let counts = sqlx::query(CLAIM)
                .bind(claim_id)
                .bind(now)
                .bind(bound(below))
                .fetch_one(&mut *connection)
                .await?;
            let rows = sqlx::query(NUMBERS)
                .bind(claim_id)
                .bind(now)
                .bind(bound(below))
                .bind(limit(max))
                .fetch_all(&mut *connection)
                .await?;
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
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let row = sqlx::query(NUMBER)
                .bind(claim_id)
                .bind(attempt_id)
                .bind(now)
                .fetch_optional(&mut *connection)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::number(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn token(&self, attempt_key: &str) -> Result<Option<TokenRecord>, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let row = sqlx::query(TOKEN)
                .bind(attempt_key)
                .bind(now)
                .fetch_optional(&mut *connection)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::token(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn delivery(&self, key: &str) -> Result<Option<DeliveryRecord>, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let row = sqlx::query(DELIVERY)
                .bind(key)
                .bind(now)
                .fetch_optional(&mut *connection)
                .await?;
            Ok(Ok(row
                .as_ref()
                .map(|row| sql_rows::delivery(BACKEND, row))
                .transpose()?))
        })
        .await
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        self.read(async {
            let (mut connection, now) = self.reader().await?;
            let row = sqlx::query(QUEUE)
                .bind(now)
                .fetch_one(&mut *connection)
                .await?;
            Ok(Ok(sql_rows::queue(BACKEND, &row)?))
        })
        .await
    }
}
