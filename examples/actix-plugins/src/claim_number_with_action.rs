use actix_web::web::Data;
use claimkit::reconcile::{ActionOn, Answered};
use claimkit::store;
use claimkit::{AttemptStatus, Error, Preset};
use claimkit_actix::Plugin;
use claimkit_store::Store;

use crate::Reconciliation;

/// What most real plugins are, in one handler: the `ClaimNumbers` preset
/// (as [`claim_number`](crate::claim_number)) whose successful claims are
/// followed by a post-claim action (a welcome mail, a role on a server).
///
/// | call | number | action |
/// |---|---|---|
/// | simulation | previewed | none |
/// | executing | reserved, `{"claimNumber": n}` | none |
/// | `success` webhook | confirmed, `{}` | queued, keyed `<claimAttemptId>:<status>` |
/// | `failure` webhook | released, `{}` | none |
/// | a retry of a webhook | nothing more | nothing more |
///
/// The number is confirmed before the action is queued: if queuing fails,
/// the `503` makes the platform retry the webhook, whose confirmation then
/// changes nothing. The runner `main.rs` starts runs the action from the
/// store ([`PostClaimAction`](crate::PostClaimAction)). Register the plugin
/// with `receiveStatusWebhook`, or set `BITBADGES_API_KEY`: with
/// reconciliation on, the platform's record confirms or releases the number
/// and queues the action under the same key, whichever comes first; a
/// `success` webhook for an attempt that holds no number here confirms the
/// number the record lists for it.
pub async fn claim_number_with_action(
    store: Data<Store>,
    reconciliation: Data<Reconciliation>,
    request: Plugin,
) -> Result<Preset, Error> {
    let answer = store::claim_number_with_record(
        store.get_ref(),
        reconciliation.record(),
        request.context(),
        &reconciliation.numbering,
    )
    .await?;
    reconciliation
        .note(
            &store,
            request.context(),
            Answered::ClaimNumber,
            ActionOn::Success,
        )
        .await?;
    // `enqueue_status_action` queues `failure` webhooks too: this plugin
    // acts on a successful claim only.
    if request.context().attempt_status() == &AttemptStatus::Success {
        store::enqueue_status_action(store.get_ref(), request.context()).await?;
    }
    Ok(answer)
}
