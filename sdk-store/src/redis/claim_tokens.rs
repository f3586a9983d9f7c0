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

    /// Three steps, each safe to repeat, since the holder's key and the
    /// attempt's are under different hash tags: read the holder's token,
    /// set it as the attempt's unless the attempt has one (what `issue`
    /// does), then forget the holder's if it is still that token.
    async fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> Result<Option<String>, Error> {
        let holder_key = self.key("token", holder);
        let attempt_key = self.key("token", attempt_id);
        let held: Option<String> = self
            .script(&SCRIPTS.read_token, [holder_key.clone()], &[])
            .await?;
        let Some(held) = held else {
            return self.script(&SCRIPTS.read_token, [attempt_key], &[]).await;
        };
        let token: String = self
            .script(&SCRIPTS.issue, [attempt_key], &[&held, &millis(retention)])
            .await?;
        if token == held {
            let _: i64 = self
                .script(&SCRIPTS.forget_token, [holder_key], &[&held])
                .await?;
        }
        Ok(Some(token))
    }
}
