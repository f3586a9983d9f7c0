//! Claim tokens on PostgreSQL: one row per attempt in `claim_tokens`,
//! until its expiry.

use std::time::Duration;

use claimkit::store::{random_token, ClaimTokens};
use claimkit::Error;

use super::store::PostgresStore;

impl ClaimTokens for PostgresStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        self.run(async {
            let token: String = sqlx::query_scalar(&self.sql().issue_token)
                .bind(attempt_id)
                .bind(random_token())
                .bind(retention.as_secs_f64())
                .fetch_one(&self.pool)
                .await?;
            Ok(Ok(token))
        })
        .await
    }

    async fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> Result<Option<String>, Error> {
        let sql = self.sql();
        self.run(async {
            let live = |statement| {
                sqlx::query_scalar::<_, String>(statement)
                    .bind(attempt_id)
                    .fetch_optional(&self.pool)
            };
            if let Some(token) = live(&sql.live_token).await? {
                return Ok(Ok(Some(token)));
            }
            sqlx::query(&sql.forget_expired_token)
                .bind(attempt_id)
                .execute(&self.pool)
                .await?;
            let handed: Option<String> = sqlx::query_scalar(&sql.hand_over_token)
                .bind(holder)
                .bind(attempt_id)
                .bind(retention.as_secs_f64())
                .fetch_optional(&self.pool)
                .await?;
            match handed {
                Some(token) => Ok(Ok(Some(token))),
                // A concurrent hand-over to the same attempt won the holder's
                // row: its token is the attempt's now.
                None => Ok(Ok(live(&sql.live_token).await?)),
            }
        })
        .await
    }
}
