//! Inspection on PostgreSQL: one read-only statement per question (two for
//! a claim, in one read-only transaction), by the database's `now()`;
//! nothing is written, not even what expired (it is shown as what it
//! counts as).

use claimkit::store::{
    ActionRecord, ActionState, ClaimUse, DeliveryRecord, HeldNumber, Inspect, QueueDepth,
    TokenRecord,
};
use claimkit::Error;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::sql::{in_schema, BACKEND};
use super::store::PostgresStore;
use crate::inspect::{bound, held_number, limit, millis, ActionRow, QueueRow};
use crate::unavailable::{decoded, whole};

const ACTIONS: &str = include_str!("sql/inspect_actions.sql");
const ACTION: &str = include_str!("sql/inspect_action.sql");
const CLAIM: &str = include_str!("sql/inspect_claim.sql");
const NUMBERS: &str = include_str!("sql/inspect_numbers.sql");
const NUMBER: &str = include_str!("sql/inspect_number.sql");
const TOKEN: &str = include_str!("sql/inspect_token.sql");
const DELIVERY: &str = include_str!("sql/inspect_delivery.sql");
const QUEUE: &str = include_str!("sql/inspect_queue.sql");

fn action(row: &PgRow) -> Result<ActionRecord, sqlx::Error> {
    decoded(
        ActionRow {
            key: row.try_get("key")?,
            state: row.try_get("state")?,
            payload: row.try_get("payload")?,
            attempts: row.try_get::<i32, _>("attempts")?.into(),
            last_error: row.try_get("last_error")?,
            at_ms: row.try_get("at_ms")?,
            age_ms: row.try_get("age_ms")?,
        }
        .record(BACKEND),
    )
}

fn number(row: &PgRow) -> Result<HeldNumber, sqlx::Error> {
    decoded(held_number(
        BACKEND,
        row.try_get("number")?,
        row.try_get("attempt_id")?,
        row.try_get("expires_in_ms")?,
    ))
}

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
            Ok(Ok(rows.iter().map(action).collect::<Result<_, _>>()?))
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
            Ok(Ok(row.as_ref().map(action).transpose()?))
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
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
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
            Ok(Ok(ClaimUse {
                claim_id: claim_id.to_owned(),
                bound: below,
                confirmed: decoded(whole(BACKEND, "a count", counts.try_get("confirmed")?))?,
                held: decoded(whole(BACKEND, "a count", counts.try_get("held")?))?,
                next: decoded(whole(BACKEND, "a claim number", counts.try_get("next")?))?,
                numbers: rows.iter().map(number).collect::<Result<_, _>>()?,
            }))
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
            Ok(Ok(row.as_ref().map(number).transpose()?))
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
            let Some(row) = row else {
                return Ok(Ok(None));
            };
            Ok(Ok(Some(TokenRecord {
                token: row.try_get("token")?,
                expires_in: decoded(millis(
                    BACKEND,
                    "a token's time",
                    row.try_get("expires_in_ms")?,
                ))?,
            })))
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
            let Some(row) = row else {
                return Ok(Ok(None));
            };
            let lease: Option<String> = row.try_get("lease")?;
            let expires_in = decoded(millis(
                BACKEND,
                "a delivery's time",
                row.try_get("expires_in_ms")?,
            ))?;
            Ok(Ok(Some(match lease {
                Some(_) => DeliveryRecord::InFlight { expires_in },
                None => DeliveryRecord::Done { expires_in },
            })))
        })
        .await
    }

    async fn queue_depth(&self) -> Result<QueueDepth, Error> {
        let sql = self.inspection(QUEUE);
        self.run(async {
            let row = sqlx::query(&sql).fetch_one(&self.pool).await?;
            Ok(Ok(decoded(
                QueueRow {
                    due: row.try_get("due")?,
                    waiting: row.try_get("waiting")?,
                    running: row.try_get("running")?,
                    dead: row.try_get("dead")?,
                    oldest_due_ms: row.try_get("oldest_due_ms")?,
                }
                .depth(BACKEND),
            )?))
        })
        .await
    }
}
