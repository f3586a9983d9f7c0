//! Status webhooks: a post-claim action runs once per attempt and status,
//! however often the platform retries the webhook.

use std::fmt;

use super::{Begun, Deliveries, DeliveryTerms, Lease};
use crate::{Context, Error, ErrorKind};

/// Begins a status webhook's post-claim action by the protocol's rules:
///
/// | call | answer |
/// |---|---|
/// | not a status webhook, or a simulation | `Ok(None)`: nothing to do |
/// | a new `success` / `failure` webhook | `Ok(Some(leased))`: run the action, then [`LeasedDelivery::finish`] |
/// | a retry of one whose action is done | `Ok(None)`: answer `200`, run nothing |
/// | a retry while the first is still running | [`ErrorKind::InProgress`] (`409`): the platform retries later |
///
/// The delivery is keyed by
/// [`Context::status_webhook_key`] (`"{attempt id}:{status}"`).
///
/// # Errors
/// [`ErrorKind::InProgress`] for a retry while the first delivery is in
/// flight; the store's errors.
///
/// ```
/// use claimkit::store::{status_webhook, DeliveryTerms, MemoryStore};
/// use claimkit::{AttemptStatus, Context, ErrorKind};
/// # futures_executor::block_on(async {
/// let store = std::sync::Arc::new(MemoryStore::default());
/// let mut webhook = Context::default();
/// webhook.claim_attempt_id = Some("a1".into());
/// webhook.attempt_status = Some(AttemptStatus::Success);
/// let terms = DeliveryTerms::default();
///
/// let leased = status_webhook(&store, &webhook, &terms).await?.expect("a new webhook");
/// // A retry while the action runs is told to come back.
/// let err = status_webhook(&store, &webhook, &terms).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InProgress);
///
/// leased.finish(Ok::<(), String>(())).await?;
/// // Once done, retries run nothing.
/// assert!(status_webhook(&store, &webhook, &terms).await?.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn status_webhook<D: Deliveries + Clone>(
    store: &D,
    context: &Context,
    terms: &DeliveryTerms,
) -> Result<Option<LeasedDelivery<D>>, Error> {
    let Some(key) = context.status_webhook_key() else {
        return Ok(None);
    };
    match store.begin(&key, terms).await? {
        Begun::Leased(lease) => Ok(Some(LeasedDelivery {
            store: store.clone(),
            key,
            lease,
            terms: *terms,
        })),
        Begun::Done => Ok(None),
        Begun::InFlight => Err(Error::new(ErrorKind::InProgress)),
    }
}

/// A delivery this process holds the lease on, from [`status_webhook`].
///
/// Report how its action went with [`finish`](Self::finish). Dropped
/// without it (the process crashed, the task panicked), the lease expires
/// by itself after [`DeliveryTerms::lease`], and the next retry runs the
/// action.
#[must_use = "finish the delivery once its action has run"]
pub struct LeasedDelivery<D> {
    store: D,
    key: String,
    lease: Lease,
    terms: DeliveryTerms,
}

impl<D: Deliveries> LeasedDelivery<D> {
    /// The delivery's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Records the action's outcome: `Ok` marks the delivery done, so its
    /// retries run nothing; `Err` frees it, so a retry runs the action
    /// again (the error is logged).
    ///
    /// # Errors
    /// The store's errors.
    pub async fn finish<E: fmt::Display>(self, outcome: Result<(), E>) -> Result<(), Error> {
        let held = match outcome {
            Ok(()) => {
                self.store
                    .complete(&self.key, &self.lease, &self.terms)
                    .await?
            }
            Err(err) => {
                tracing::warn!(delivery = %self.key, error = %err, "post-claim action failed; a retry runs it again");
                self.store.abandon(&self.key, &self.lease).await?
            }
        };
        if !held {
            tracing::warn!(delivery = %self.key, "the delivery's lease expired before it finished");
        }
        Ok(())
    }
}

impl<D> fmt::Debug for LeasedDelivery<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeasedDelivery")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
