//! What an attempt's outcome does to the store: the one rule, whichever of
//! the status webhook and the platform's record told it.

use super::{Answered, Check, Outcome};
use crate::store::{enqueue_action, Actions, ClaimNumbers};
use crate::Error;

/// Applies the platform's `outcome` of `check`'s attempt to `store`, and
/// answers whether a post-claim action was queued by it:
///
/// | answered | `success` | `failure` |
/// |---|---|---|
/// | [`ClaimNumber`](Answered::ClaimNumber) | confirms the number | releases the number |
/// | [`AssignedNumber`](Answered::AssignedNumber) | assigns the number the listing reports ([`ClaimNumbers::assign`]) | nothing |
/// | [`ClaimToken`](Answered::ClaimToken), [`StatusHook`](Answered::StatusHook) | nothing | nothing |
/// | [`Check::action`] [`Success`](super::ActionOn::Success) | queues `"{claimAttemptId}:success"` | nothing |
/// | [`Check::action`] [`Always`](super::ActionOn::Always) | queues `"{claimAttemptId}:success"` | queues `"{claimAttemptId}:failure"` |
///
/// The action is the [`StatusAction`](crate::store::StatusAction) the
/// attempt's status webhook queues, under the same key: whichever of the
/// webhook and the record comes first queues it, and the other adds
/// nothing (`Ok(false)`). Confirming and releasing are idempotent too, and
/// a late `failure` never frees a confirmed number.
///
/// # Errors
/// The store's errors; nothing is lost: the check runs again.
///
/// ```
/// use claimkit::platform::Outcome;
/// use claimkit::reconcile::{settle, ActionOn, Answered, Check};
/// use claimkit::store::{enqueue_status_action, ClaimNumbers, MemoryStore, Numbering};
/// use claimkit::{AttemptStatus, Context};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// let pool = Numbering::new().pool(&attempt);
/// assert_eq!(store.reserve(&pool, "a1").await?, 0);
///
/// let check = Check::from_context(&attempt, Answered::ClaimNumber, ActionOn::Success).unwrap();
/// let success = Outcome::Succeeded { address: "bb1a".into(), claim_number: Some(0) };
/// assert!(settle(&store, &check, &success).await?);
/// assert_eq!(store.preview(&pool).await?, 1); // confirmed
///
/// // The late status webhook adds nothing.
/// attempt.attempt_status = Some(AttemptStatus::Success);
/// assert!(enqueue_status_action(&store, &attempt).await?.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn settle<S>(store: &S, check: &Check, outcome: &Outcome) -> Result<bool, Error>
where
    S: ClaimNumbers + Actions + ?Sized,
{
    if check.answered == Answered::AssignedNumber {
        assign_listed(store, check, outcome).await?;
    } else if check.answered == Answered::ClaimNumber {
        if outcome.is_success() {
            store
                .confirm(&check.claim_id, &check.claim_attempt_id)
                .await?;
        } else {
            store
                .release(&check.claim_id, &check.claim_attempt_id)
                .await?;
        }
    }
    if !check.action.wants(outcome) {
        return Ok(false);
    }
    enqueue_action(
        store,
        &check.status_key(outcome),
        &check.status_action(outcome),
    )
    .await
}

/// Assigns the number the listing reports for an attempt whose `success`
/// came while it held no number here, or warns what is lost.
async fn assign_listed<S>(store: &S, check: &Check, outcome: &Outcome) -> Result<(), Error>
where
    S: ClaimNumbers + ?Sized,
{
    let (claim_id, attempt) = (&check.claim_id, &check.claim_attempt_id);
    let number = match outcome {
        Outcome::Succeeded {
            claim_number: Some(number),
            ..
        } => *number,
        Outcome::Succeeded { .. } => {
            tracing::warn!(
                claim_id,
                claim_attempt_id = attempt,
                "a success came for an attempt that holds no claim number here, and the \
                 platform's record lists no number for it: nothing is recorded"
            );
            return Ok(());
        }
        Outcome::Failed { .. } => {
            tracing::warn!(
                claim_id,
                claim_attempt_id = attempt,
                "a success came for an attempt that holds no claim number here, and the \
                 platform's record lists it as failed: nothing is recorded"
            );
            return Ok(());
        }
    };
    if store.assign(claim_id, attempt, number).await? {
        tracing::info!(
            claim_id,
            claim_attempt_id = attempt,
            claim_number = number,
            "confirmed the claim number the platform assigned to an attempt that held none here"
        );
    } else {
        tracing::warn!(
            claim_id,
            claim_attempt_id = attempt,
            claim_number = number,
            "the platform assigned a claim number that another attempt holds here: it is not \
             recorded for this attempt"
        );
    }
    Ok(())
}
