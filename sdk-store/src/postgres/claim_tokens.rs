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
}
