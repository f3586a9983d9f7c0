//! The post-claim action, run from the durable queue: a real plugin would
//! call its own API, a mail service or a chat webhook here.

use std::time::Duration;

use claimkit::store::{DueAction, StatusAction};

/// What the runner does with each queued status webhook: POST it to
/// `ACTION_URL`, or, without one, log the side effect.
#[derive(Debug, Clone)]
pub struct PostClaimAction {
    url: Option<String>,
    client: reqwest::Client,
}

impl PostClaimAction {
    /// How long the action URL has to answer before the try counts as
    /// failed.
    pub const TIMEOUT: Duration = Duration::from_secs(10);

    /// The action: POSTs to `url` when there is one.
    pub fn new(url: Option<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Self::TIMEOUT)
            .build()
            .unwrap_or_default();
        Self { url, client }
    }

    /// One try: POSTs `{"claimAttemptId", "claimId", "status"}` with the
    /// header `Idempotency-Key: <claimAttemptId>:<status>` (the action's
    /// key). Any `2xx` is success; anything else, or no answer in time, is
    /// retried.
    ///
    /// # Errors
    /// What the try failed with (never the URL: it may hold credentials).
    pub async fn run(&self, due: DueAction<StatusAction>) -> Result<(), String> {
        let action = &due.payload;
        let Some(url) = &self.url else {
            tracing::info!(claim_attempt_id = %action.claim_attempt_id, status = %action.status, "side_effect: post-claim action");
            return Ok(());
        };
        let response = self
            .client
            .post(url)
            .header("idempotency-key", &due.key)
            .json(action)
            .send()
            .await
            .map_err(|err| format!("the action URL did not answer: {}", err.without_url()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("the action URL answered {}", response.status()))
        }
    }
}
