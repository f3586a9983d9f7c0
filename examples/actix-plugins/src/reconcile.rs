//! Reconciliation: with `BITBADGES_API_KEY` set, the claim-number and
//! status-hook plugins learn each attempt's outcome from the platform's
//! record, a few seconds after answering, with or without status webhooks.

use std::sync::Arc;
use std::time::Duration;

use claimkit::platform::{CallGate, CallTerms, Gated};
use claimkit::reconcile::{self, ActionOn, Answered, ReconcileTerms, Reconciler};
use claimkit::store::Numbering;
use claimkit::{Context, Error};
use claimkit_bitbadges::Client;
use claimkit_store::Store;

/// What the claim-number and status-hook plugins do besides answering:
/// the claim numbers' hold, and whether each answered attempt is noted
/// for a check with the platform.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reconciliation {
    /// The claim numbers' bound and hold (`CLAIM_NUMBER_HOLD`).
    pub numbering: Numbering,
    /// Whether answered attempts are checked with the platform's record
    /// (`BITBADGES_API_KEY` is set).
    pub on: bool,
}

impl Reconciliation {
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
        if self.on {
            reconcile::note(store, context, answered, action).await?;
        }
        Ok(())
    }
}

/// The platform's record as the runner reads it: the BitBadges client
/// behind a budget and the account's pauses.
pub type Record = Gated<Client>;

/// The reconciler the runner hands the queue's checks to.
pub fn reconciler(
    client: Client,
    calls: CallTerms,
    terms: ReconcileTerms,
    store: Store,
) -> Arc<Reconciler<Record, Store>> {
    Arc::new(Reconciler::new(Gated::new(client, CallGate::new(calls)), store).with_terms(terms))
}

/// The start-up line that says whether reconciliation is on (never the
/// key).
pub fn startup_line(on: bool, terms: &ReconcileTerms, calls: &CallTerms, hold: Duration) -> String {
    if on {
        format!(
            "reconciliation: on (the claim-number and status-hook plugins' attempts are checked with the BitBadges API {} s after the answer; at most {} calls a minute; claim numbers held {} s)",
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
