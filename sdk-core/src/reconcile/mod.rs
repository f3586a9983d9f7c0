//! Reconciliation: every attempt the plugin answered at `executing` is
//! checked with the platform's record until its outcome is known, and the
//! outcome does what its status webhook would.
//!
//! # Design
//!
//! The platform's advice for post-claim work is to answer `200` at once,
//! wait a few seconds, then ask the API how the attempt ended (PROTOCOL
//! §1.8). Status webhooks tell it too, when the plugin version asks for
//! them, but they may never come (a version without
//! `receiveStatusWebhook`) or come hours late (retried at 1 h, 2 h, 4 h…).
//! Reconciliation closes the loop without them:
//!
//! ```text
//! executing call ─► reserve / issue / nothing ─► note: a Check in the action queue ─► 200 at once
//! runner ─► Reconciler::check ── a few s later ─► PlatformRecord (behind a CallGate)
//!             success ─► confirm the number, queue "<claimAttemptId>:success"
//!             failure ─► release the number, queue "<claimAttemptId>:failure"
//!             not known yet / 429 / 402 / budget ─► due again after a wait
//! status webhook ─► the same outcome, by the same key: whichever comes first decides
//! ```
//!
//! | step | where |
//! |---|---|
//! | queue a check when the plugin answers | [`note`] |
//! | queue a check for a `success` whose attempt holds no number here | [`Check::late_success`], [`claim_number_reconciled`](crate::store::claim_number_reconciled) |
//! | when to check, back off, list a claim, give up | [`ReconcileTerms`], [`Reconciler`] |
//! | what an outcome does (the one rule) | [`settle`] |
//! | the check's payload and key | [`Check`], [`Answered`] |
//!
//! **Checks are jobs in the durable queue.** A check is an entry of the
//! store's [`Actions`](crate::store::Actions) queue, keyed
//! `"check:{answered}:{claimAttemptId}"` ([`Check::key`], told apart from
//! post-claim actions by [`is_check_key`]): it survives a restart, and
//! replicas sharing the store share the checks. A runner with a
//! reconciler (`claimkit_tokio::Runner::with_reconciler`) runs both kinds
//! of job from one queue; the store backends need nothing more than their
//! queue.
//!
//! **Every call costs a credit.** A check makes at most one call per run;
//! many waiting attempts of one claim are settled by listing the claim
//! (one call a page); a [`Gated`](crate::platform::Gated) record keeps a
//! budget and pauses every call after a `429` or `402`, logging the
//! episode once; checks resume by themselves within about two minutes of
//! the API answering again. The plugin's answer never waits for the API:
//! [`note`] only writes to the store.
//!
//! **The hold.** A reserved number waits for its outcome for the pool's
//! hold ([`Numbering::with_hold`](crate::store::Numbering::with_hold), 24 h
//! by default), then is free again. Reconciled, an attempt's number is
//! confirmed or released seconds after the claim ends, so the hold only
//! has to outlast an outage of the API; without reconciliation (and
//! without status webhooks) it is the only thing that frees a failed
//! attempt's number, and a successful attempt's number is handed out again
//! once it lapses.
//!
//! What this module does **not** do: speak HTTP (the record is a
//! [`PlatformRecord`](crate::platform::PlatformRecord); `claimkit-bitbadges`
//! implements it), or run anything on a runtime (`claimkit-tokio` does).

mod check;
mod claims;
mod note;
mod reconciler;
mod settle;
mod terms;

use crate::platform::Outcome;

pub use check::{is_check_key, ActionOn, Answered, Check};
pub use note::{note, note_with};
pub use reconciler::{Checked, Reconciler};
pub use settle::settle;
pub use terms::ReconcileTerms;
