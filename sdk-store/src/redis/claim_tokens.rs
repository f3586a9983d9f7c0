//! Claim tokens on Redis: one key per attempt, which Redis expires itself.

use std::time::Duration;

use claimkit::store::{random_token, ClaimTokens};
use claimkit::Error;

use super::scripts::SCRIPTS;
use super::store::{millis, RedisStore};

impl ClaimTokens for RedisStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        let token = random_token();
        self.script(
            &SCRIPTS.issue,
            [self.key("token", attempt_id)],
            &[&token, &millis(retention)],
        )
        .await
    }
}
