//! Reconciliation: with `BITBADGES_API_KEY` set, the claim-number and
//! status-hook plugins learn each attempt's outcome from the platform's
//! record, a few seconds after answering, with or without status webhooks.

use std::sync::Arc;
use std::time::Duration;

use claimkit::platform::{CallTerms, Gated};
use claimkit::reconcile::{self, ActionOn, Answered, ReconcileTerms, Reconciler};
use claimkit::store::Numbering;
use claimkit::{Context, Error};
use claimkit_bitbadges::Client;
use claimkit_store::Store;

use crate::PlatformApi;

/// What the claim-number and status-hook plugins do besides answering:
/// the claim numbers' hold, and the platform's record, when there is one:
/// each answered attempt is noted for a check with it, and a `success` for
/// an attempt that holds no number here reads its number from it.
#[derive(Debug, Clone, Default)]
pub struct Reconciliation {
    /// The claim numbers' bound and hold (`CLAIM_NUMBER_HOLD`).
    pub numbering: Numbering,
    /// The BitBadges API (`BITBADGES_API_KEY` is set), behind the call
    /// gate the runner's checks and the feed share: reconciliation is on.
    pub api: Option<PlatformApi>,
}

impl Reconciliation {
    /// Whether answered attempts are checked with the platform's record.
    pub fn is_on(&self) -> bool {
        self.api.is_some()
    }

    /// The platform's record, for
    /// [`claim_number_with_record`](claimkit::store::claim_number_with_record).
    pub fn record(&self) -> Option<&Gated<Client>> {
        self.api.as_deref()
    }

    /// Notes a check of the attempt `context` is an executing call of,
    /// when reconciliation is on: the runner checks it with the platform a
    /// few seconds later. It only writes to the store: the answer never
    /// waits for the API.
    ///
    /// # Errors
    /// The store's errors.
    pub async fn note(
        &self,
        store: &Store,
        context: &Context,
        answered: Answered,
        action: ActionOn,
    ) -> Result<(), Error> {
        if self.is_on() {
            reconcile::note(store, context, answered, action).await?;
        }
        Ok(())
    }
}

/// The reconciler the runner hands the queue's checks to, calling `api`
/// through the gate the feed and the plugins share.
pub fn reconciler(
    api: PlatformApi,
    terms: ReconcileTerms,
    store: Store,
) -> Arc<Reconciler<PlatformApi, Store>> {
    Arc::new(Reconciler::new(api, store).with_terms(terms))
}

/// The start-up line that says whether reconciliation is on (never the
/// key).
pub fn startup_line(on: bool, terms: &ReconcileTerms, calls: &CallTerms, hold: Duration) -> String {
    if on {
        format!(
            "reconciliation: on (the claim-number and status-hook plugins' attempts are checked with the BitBadges API {} s after the answer; at most {} calls a minute, one budget and backoff with the feed; claim numbers held {} s)",
            terms.first_check.as_secs_f64(),
            calls.budget,
            hold.as_secs()
        )
    } else {
        format!(
            "reconciliation: off (BITBADGES_API_KEY is not set: outcomes come from status webhooks only; claim numbers held {} s)",
            hold.as_secs()
        )
    }
}
