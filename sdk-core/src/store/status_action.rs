//! A status webhook's post-claim action, queued durably.

use serde::{Deserialize, Serialize};

use super::{enqueue_action, Actions};
use crate::{AttemptStatus, Context, Error, KeyScope};

/// What a status webhook's post-claim action needs: the attempt, its claim
/// and the status it reached (and, keyed per instance, the plugin
/// instance). Its JSON is `{"claimAttemptId", "claimId", "status"}` (with
/// `"instanceId"` when keyed per instance), the body an action may send on
/// as it is.
///
/// The runner hands the action a `DueAction<StatusAction>`: the payload
/// is read back as this type, and the action never parses text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusAction {
    /// The claim attempt's id.
    pub claim_attempt_id: String,
    /// The claim's id (empty when the platform did not send it).
    pub claim_id: String,
    /// The status the attempt reached: `success` or `failure`.
    pub status: AttemptStatus,
    /// The plugin instance within the claim, for an action keyed per
    /// instance ([`KeyScope::Instance`]); absent per attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

impl StatusAction {
    /// The action a status webhook asks for, keyed per attempt; `None` for
    /// a call that is not one (an executing attempt) or is a simulation.
    pub fn from_context(context: &Context) -> Option<Self> {
        Self::from_context_with(context, KeyScope::Attempt)
    }

    /// [`from_context`](Self::from_context), keyed by `scope`: per
    /// instance, the action carries the call's `instanceId`.
    pub fn from_context_with(context: &Context, scope: KeyScope) -> Option<Self> {
        scope.status_key(context)?;
        Some(Self {
            claim_attempt_id: context.attempt_id()?.to_owned(),
            claim_id: context.claim_id.clone().unwrap_or_default(),
            status: context.attempt_status().clone(),
            instance_id: scope.instance(context).map(str::to_owned),
        })
    }

    /// The action's key, and its idempotency key:
    /// `"{claimAttemptId}:{status}"`, or
    /// `"{claimAttemptId}:{instanceId}:{status}"` per instance, as
    /// [`KeyScope::status_key`] builds it from the webhook.
    pub fn key(&self) -> String {
        crate::plugin::status_key(
            &self.claim_attempt_id,
            self.instance_id.as_deref(),
            self.status.as_str(),
        )
    }
}

/// Enqueues a status webhook's post-claim action, durably, by the
/// protocol's rules, and answers whether it was new. **It queues `failure`
/// webhooks as well as `success` ones**: a plugin whose action follows a
/// successful claim only checks the status first (see below).
///
/// | call | queued |
/// |---|---|
/// | not a status webhook, or a simulation | nothing: `Ok(None)` |
/// | a new `success` or `failure` webhook | a [`StatusAction`] keyed `"{claimAttemptId}:{status}"`: `Ok(Some(action))` |
/// | a retry of one queued before (pending, running, done or dead) | nothing: `Ok(None)` |
///
/// Answer the platform `200` at once whatever it returns: a runner (in
/// `claimkit-tokio`) runs the action from the queue, retrying it until it
/// succeeds or gives up. Keys are per attempt; a plugin registered with
/// `duplicatesAllowed` keys per instance with
/// [`enqueue_status_action_with`].
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
/// // A failure is queued too, under a key of its own.
/// webhook.attempt_status = Some(AttemptStatus::Failure);
/// assert_eq!(enqueue_status_action(&store, &webhook).await?.unwrap().key(), "a1:failure");
/// // A simulation queues nothing.
/// webhook.simulation = Some(true);
/// webhook.claim_attempt_id = Some("a2".into());
/// assert!(enqueue_status_action(&store, &webhook).await?.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
///
/// An action that follows only a successful claim:
///
/// ```
/// # use claimkit::store::{enqueue_status_action, MemoryStore};
/// # use claimkit::{AttemptStatus, Context};
/// # futures_executor::block_on(async {
/// # let store = MemoryStore::default();
/// # let context = Context::default();
/// if context.attempt_status() == &AttemptStatus::Success {
///     enqueue_status_action(&store, &context).await?;
/// }
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn enqueue_status_action<A: Actions + ?Sized>(
    store: &A,
    context: &Context,
) -> Result<Option<StatusAction>, Error> {
    enqueue_status_action_with(store, context, KeyScope::Attempt).await
}

/// [`enqueue_status_action`], keyed by `scope`: a plugin registered with
/// `duplicatesAllowed` keys per instance, so that each instance's status
/// webhook queues an action of its own
/// (`"{claimAttemptId}:{instanceId}:{status}"`).
///
/// # Errors
/// As [`enqueue_status_action`].
///
/// ```
/// use claimkit::store::{enqueue_status_action_with, MemoryStore};
/// use claimkit::{AttemptStatus, Context, KeyScope};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut webhook = Context::default();
/// webhook.claim_attempt_id = Some("a1".into());
/// webhook.attempt_status = Some(AttemptStatus::Success);
/// for instance in ["first", "second"] {
///     webhook.instance_id = Some(instance.into());
///     let queued = enqueue_status_action_with(&store, &webhook, KeyScope::Instance).await?;
///     assert_eq!(queued.unwrap().key(), format!("a1:{instance}:success"));
/// }
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn enqueue_status_action_with<A: Actions + ?Sized>(
    store: &A,
    context: &Context,
    scope: KeyScope,
) -> Result<Option<StatusAction>, Error> {
    let Some(action) = StatusAction::from_context_with(context, scope) else {
        return Ok(None);
    };
    let new = enqueue_action(store, &action.key(), &action).await?;
    Ok(new.then_some(action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ActionTerms, MemoryStore};
    use futures_executor::block_on;

    fn webhook(status: AttemptStatus, instance: Option<&str>) -> Context {
        Context {
            claim_id: Some("c".into()),
            claim_attempt_id: Some("a".into()),
            attempt_status: Some(status),
            instance_id: instance.map(Into::into),
            ..Context::default()
        }
    }

    #[test]
    fn the_key_is_the_webhooks_key() {
        for scope in [KeyScope::Attempt, KeyScope::Instance] {
            for instance in [None, Some("i")] {
                for status in [AttemptStatus::Success, AttemptStatus::Failure] {
                    let context = webhook(status, instance);
                    let action = StatusAction::from_context_with(&context, scope).unwrap();
                    assert_eq!(Some(action.key()), scope.status_key(&context));
                }
            }
        }
    }

    #[test]
    fn the_runner_reads_back_what_was_queued() {
        block_on(async {
            let store = MemoryStore::default();
            let context = webhook(AttemptStatus::Success, Some("i"));
            let queued = enqueue_status_action_with(&store, &context, KeyScope::Instance)
                .await
                .unwrap()
                .unwrap();
            let due = store.take_due(1, &ActionTerms::default()).await.unwrap();
            assert_eq!(
                due[0].payload,
                r#"{"claimAttemptId":"a","claimId":"c","status":"success","instanceId":"i"}"#
            );
            let due = due[0].decode::<StatusAction>().unwrap();
            assert_eq!(due.key, "a:i:success");
            assert_eq!(due.payload, queued);
        });
    }

    #[test]
    fn per_attempt_payloads_keep_their_three_fields() {
        let action =
            StatusAction::from_context(&webhook(AttemptStatus::Failure, Some("i"))).unwrap();
        assert_eq!(
            serde_json::to_string(&action).unwrap(),
            r#"{"claimAttemptId":"a","claimId":"c","status":"failure"}"#
        );
    }
}
