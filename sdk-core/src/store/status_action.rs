//! A status webhook's post-claim action, queued durably.

use serde::{Deserialize, Serialize};

use super::Actions;
use crate::{Context, Error, ErrorKind};

/// What a status webhook's post-claim action needs: the attempt, its claim
/// and the status it reached. Its JSON is
/// `{"claimAttemptId", "claimId", "status"}`, the body an action may send
/// on as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusAction {
    /// The claim attempt's id.
    pub claim_attempt_id: String,
    /// The claim's id (empty when the platform did not send it).
    pub claim_id: String,
    /// The status the attempt reached: `success` or `failure`.
    pub status: String,
}

impl StatusAction {
    /// The action a status webhook asks for; `None` for a call that is not
    /// one (an executing attempt) or is a simulation.
    pub fn from_context(context: &Context) -> Option<Self> {
        context.status_webhook_key()?;
        Some(Self {
            claim_attempt_id: context.attempt_id()?.to_owned(),
            claim_id: context.claim_id.clone().unwrap_or_default(),
            status: context.attempt_status().to_string(),
        })
    }

    /// The action's key, and its idempotency key:
    /// `"{claimAttemptId}:{status}"`, as
    /// [`Context::status_webhook_key`].
    pub fn key(&self) -> String {
        format!("{}:{}", self.claim_attempt_id, self.status)
    }

    /// The action as JSON, as it is queued.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The action from a queued payload.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedBody`] when `payload` is not a status action.
    pub fn from_json(payload: &str) -> Result<Self, Error> {
        serde_json::from_str(payload).map_err(|_| {
            Error::with_message(
                ErrorKind::MalformedBody,
                "a queued action is not a status action",
            )
        })
    }
}

/// Enqueues a status webhook's post-claim action, durably, by the
/// protocol's rules, and answers whether it was new:
///
/// | call | queued |
/// |---|---|
/// | not a status webhook, or a simulation | nothing: `Ok(None)` |
/// | a new `success` / `failure` webhook | a [`StatusAction`] keyed `"{claimAttemptId}:{status}"`: `Ok(Some(action))` |
/// | a retry of one queued before (pending, running, done or dead) | nothing: `Ok(None)` |
///
/// Answer the platform `200` at once whatever it returns: a runner (in
/// `claimkit-tokio`) runs the action from the queue, retrying it until it
/// succeeds or gives up.
///
/// # Errors
/// The store's errors: answer them, so that the platform retries.
///
/// ```
/// use claimkit::store::{enqueue_status_action, MemoryStore};
/// use claimkit::{AttemptStatus, Context};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut webhook = Context::default();
/// webhook.claim_attempt_id = Some("a1".into());
/// webhook.attempt_status = Some(AttemptStatus::Success);
///
/// let queued = enqueue_status_action(&store, &webhook).await?.expect("new");
/// assert_eq!(queued.key(), "a1:success");
/// // The platform's retry queues nothing more.
/// assert!(enqueue_status_action(&store, &webhook).await?.is_none());
/// // Nor does a simulation.
/// webhook.simulation = Some(true);
/// webhook.claim_attempt_id = Some("a2".into());
/// assert!(enqueue_status_action(&store, &webhook).await?.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn enqueue_status_action<A: Actions + ?Sized>(
    store: &A,
    context: &Context,
) -> Result<Option<StatusAction>, Error> {
    let Some(action) = StatusAction::from_context(context) else {
        return Ok(None);
    };
    let new = store.enqueue(&action.key(), &action.to_json()).await?;
    Ok(new.then_some(action))
}
