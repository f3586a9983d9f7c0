//! Claim tokens on SQLite: one row per attempt in `claimkit_claim_tokens`,
//! until its expiry.

use std::time::Duration;

use claimkit::store::{random_token, ClaimTokens};
use claimkit::Error;
use sqlx::SqliteConnection;

use super::store::SqliteStore;
use super::writer::{millis, Batch, Write};

const ISSUE_TOKEN: &str = include_str!("sql/issue_token.sql");
const HELD_TOKEN: &str = include_str!("sql/held_token.sql");
const LIVE_TOKEN: &str = include_str!("sql/live_token.sql");
const FORGET_EXPIRED_TOKEN: &str = include_str!("sql/forget_expired_token.sql");
const HAND_OVER_TOKEN: &str = include_str!("sql/hand_over_token.sql");

/// Issues an attempt's token, or answers the one it has.
struct Issue {
    attempt_id: String,
    retention_ms: i64,
}

impl Write for Issue {
    type Output = String;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<String, Error>, sqlx::Error> {
        sqlx::query(ISSUE_TOKEN)
            .bind(&self.attempt_id)
            .bind(random_token())
            .bind(batch.now.saturating_add(self.retention_ms))
            .bind(batch.now)
            .execute(&mut *tx)
            .await?;
        let token: String = sqlx::query_scalar(HELD_TOKEN)
            .bind(&self.attempt_id)
            .fetch_one(&mut *tx)
            .await?;
        Ok(Ok(token))
    }
}

/// Answers an attempt's token, else hands a holder's over to it.
struct TakeOver {
    holder: String,
    attempt_id: String,
    retention_ms: i64,
}

impl Write for TakeOver {
    type Output = Option<String>;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<Option<String>, Error>, sqlx::Error> {
        let live: Option<String> = sqlx::query_scalar(LIVE_TOKEN)
            .bind(&self.attempt_id)
            .bind(batch.now)
            .fetch_optional(&mut *tx)
            .await?;
        if live.is_some() {
            return Ok(Ok(live));
        }
        sqlx::query(FORGET_EXPIRED_TOKEN)
            .bind(&self.attempt_id)
            .bind(batch.now)
            .execute(&mut *tx)
            .await?;
        let token: Option<String> = sqlx::query_scalar(HAND_OVER_TOKEN)
            .bind(&self.holder)
            .bind(&self.attempt_id)
            .bind(batch.now.saturating_add(self.retention_ms))
            .bind(batch.now)
            .fetch_optional(&mut *tx)
            .await?;
        Ok(Ok(token))
    }
}

impl ClaimTokens for SqliteStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        self.write(Issue {
            attempt_id: attempt_id.to_owned(),
            retention_ms: millis(retention),
        })
        .await
    }

    async fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> Result<Option<String>, Error> {
        self.write(TakeOver {
            holder: holder.to_owned(),
            attempt_id: attempt_id.to_owned(),
            retention_ms: millis(retention),
        })
        .await
    }
}
