use axum::extract::State;
use claimkit::reconcile::{ActionOn, Answered};
use claimkit::store;
use claimkit::{Error, Preset};
use claimkit_axum::Plugin;
use claimkit_store::Store;

use crate::Reconciliation;

/// The `ClaimNumbers` preset: each claim numbers on its own; executing
/// attempts reserve the lowest free number below the claim's `maxUses`
/// (held for `CLAIM_NUMBER_HOLD`), simulations with an address hold the
/// number they preview for their claim and address (`SIMULATION_HOLD`) until
/// the attempt that replays it takes it over, `success` webhooks confirm it
/// and `failure` webhooks release it (answering `{}`). See
/// [`store::claim_number_with`] for the plugin-version settings that keep
/// numbers right. With reconciliation on, each reserved number is also
/// checked with the platform a few seconds later, and confirmed or
/// released by its record: no status webhook is needed; and a `success`
/// webhook for an attempt that holds no number here (its hold lapsed)
/// confirms the number the record lists for it
/// ([`store::claim_number_with_record`]).
pub async fn claim_number(
    State(store): State<Store>,
    State(reconciliation): State<Reconciliation>,
    request: Plugin,
) -> Result<Preset, Error> {
    let context = request.context();
    let answer = store::claim_number_with_record(
        &store,
        reconciliation.record(),
        context,
        &reconciliation.numbering,
    )
    .await?;
    reconciliation
        .note(&store, context, Answered::ClaimNumber, ActionOn::Never)
        .await?;
    Ok(answer)
}
