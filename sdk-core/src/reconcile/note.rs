//! Queueing a check when the plugin answers.

use super::{ActionOn, Answered, Check};
use crate::store::{enqueue_action, Actions};
use crate::{Context, Error, KeyScope};

/// Queues a check of the attempt `context` is an executing call of, keyed
/// per attempt, and answers it when it is new: call it when the plugin
/// answers the attempt `200` (after reserving its number, issuing its
/// token, or for a status-hook plugin). It writes to the store and never
/// calls the platform, so the plugin's answer never waits for the API.
///
/// `action` says which outcomes the plugin owes a post-claim action for
/// (queued as its status webhook would queue it).
///
/// | call | queued |
/// |---|---|
/// | executing, with an attempt id | a [`Check`] under [`Check::key`]: `Ok(Some(check))` |
/// | the same attempt again (a retried call) | nothing: `Ok(None)` |
/// | a simulation, a status webhook, no attempt id | nothing: `Ok(None)` |
///
/// # Errors
/// The store's errors.
///
/// ```
/// use claimkit::reconcile::{note, ActionOn, Answered};
/// use claimkit::store::MemoryStore;
/// use claimkit::Context;
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// let check = note(&store, &attempt, Answered::StatusHook, ActionOn::Always).await?.expect("new");
/// assert_eq!(check.key(), "check:status:a1");
/// // The platform's retry of the call queues nothing more.
/// assert!(note(&store, &attempt, Answered::StatusHook, ActionOn::Always).await?.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn note<A: Actions + ?Sized>(
    store: &A,
    context: &Context,
    answered: Answered,
    action: ActionOn,
) -> Result<Option<Check>, Error> {
    note_with(store, context, answered, action, KeyScope::Attempt).await
}

/// [`note`], keyed by `scope`: a plugin registered with
/// `duplicatesAllowed` keys per instance, so that each instance's check
/// (and action) is its own.
///
/// # Errors
/// The store's errors.
pub async fn note_with<A: Actions + ?Sized>(
    store: &A,
    context: &Context,
    answered: Answered,
    action: ActionOn,
    scope: KeyScope,
) -> Result<Option<Check>, Error> {
    let Some(check) = Check::from_context_with(context, answered, action, scope) else {
        return Ok(None);
    };
    let new = enqueue_action(store, &check.key(), &check).await?;
    Ok(new.then_some(check))
}
