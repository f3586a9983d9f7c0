//! A check job: an attempt the plugin answered at `executing`, waiting for
//! the platform's record to say how it ended.

use serde::{Deserialize, Serialize};

use crate::plugin::status_key;
use crate::store::StatusAction;
use crate::{AttemptStatus, Context, KeyScope};

use super::Outcome;

/// What the plugin answered the attempt with: what an outcome settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Answered {
    /// A reserved claim number: `success` confirms it, `failure` releases
    /// it.
    ClaimNumber,
    /// An issued claim token: nothing to settle in the store (the token is
    /// remembered for its retention either way).
    ClaimToken,
    /// A status-hook plugin's attempt: only its post-claim action.
    StatusHook,
    /// A `success` status webhook for an attempt that holds no claim number
    /// here (never reserved, or its hold lapsed): `success` assigns the
    /// number the claim's listing reports for it
    /// ([`ClaimNumbers::assign`](crate::store::ClaimNumbers::assign));
    /// queued by [`Check::late_success`].
    AssignedNumber,
}

impl Answered {
    /// The name used in a check's key and in logs: `number`, `token` or
    /// `status`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ClaimNumber => "number",
            Self::ClaimToken => "token",
            Self::StatusHook => "status",
            Self::AssignedNumber => "assigned",
        }
    }
}

/// Which outcomes of an attempt the plugin owes a post-claim action for,
/// queued under the key its status webhook would use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ActionOn {
    /// None: the outcome only settles the store.
    Never,
    /// A successful attempt only (`"{claimAttemptId}:success"`).
    Success,
    /// Either outcome (`":success"` or `":failure"`), as
    /// [`enqueue_status_action`](crate::store::enqueue_status_action)
    /// queues status webhooks.
    Always,
}

impl ActionOn {
    /// Whether `outcome` asks for the action.
    pub fn wants(self, outcome: &Outcome) -> bool {
        match self {
            Self::Never => false,
            Self::Success => outcome.is_success(),
            Self::Always => true,
        }
    }
}

/// The prefix of every check's key in the action queue.
pub(crate) const CHECK_PREFIX: &str = "check:";

/// One attempt to check with the platform's record, as the durable queue
/// keeps it (JSON, `{"claimAttemptId", "claimId", "answered", "action",
/// "answeredAtMs"}`, with `"instanceId"` when keyed per instance).
///
/// ```
/// use claimkit::reconcile::{ActionOn, Answered, Check};
/// use claimkit::Context;
///
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// let check = Check::from_context(&attempt, Answered::ClaimNumber, ActionOn::Success).unwrap();
/// assert_eq!(check.key(), "check:number:a1");
/// assert!(claimkit::reconcile::is_check_key(&check.key()));
/// // A simulation is never checked.
/// attempt.simulation = Some(true);
/// assert!(Check::from_context(&attempt, Answered::ClaimNumber, ActionOn::Success).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Check {
    /// The attempt's id (`claimAttemptId`).
    pub claim_attempt_id: String,
    /// The claim's id (`claimId`; empty when the platform did not send it).
    pub claim_id: String,
    /// What the plugin answered.
    pub answered: Answered,
    /// Which outcomes the plugin owes a post-claim action for, queued
    /// under the key its status webhook would use.
    pub action: ActionOn,
    /// When the plugin answered, in UNIX milliseconds by this process's
    /// clock (0 for a [late success](Self::late_success), whose attempt's
    /// time is not known).
    pub answered_at_ms: u64,
    /// The plugin instance, for a plugin keyed per instance
    /// ([`KeyScope::Instance`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

impl Check {
    /// The check an executing call needs, keyed per attempt: `None` for a
    /// simulation, a status webhook, or a call without an attempt id
    /// (nothing to ask the platform about).
    pub fn from_context(context: &Context, answered: Answered, action: ActionOn) -> Option<Self> {
        Self::from_context_with(context, answered, action, KeyScope::Attempt)
    }

    /// [`from_context`](Self::from_context), keyed by `scope`: per
    /// instance, the check and its action carry the call's `instanceId`.
    pub fn from_context_with(
        context: &Context,
        answered: Answered,
        action: ActionOn,
        scope: KeyScope,
    ) -> Option<Self> {
        if context.is_simulation() || context.attempt_status() != &AttemptStatus::Executing {
            return None;
        }
        let attempt = context.attempt_id()?;
        Some(Self {
            claim_attempt_id: attempt.to_owned(),
            claim_id: context.claim_id.clone().unwrap_or_default(),
            answered,
            action,
            answered_at_ms: unix_millis_now(),
            instance_id: scope.instance(context).map(str::to_owned),
        })
    }

    /// The check a `success` status webhook needs when its attempt holds
    /// no claim number here: an [`Answered::AssignedNumber`] check, with no
    /// post-claim action (the webhook queues its own). `None` for anything
    /// but a real `success` with an attempt id and a claim id (no listing
    /// to read the number from).
    ///
    /// Its [`answered_at_ms`](Self::answered_at_ms) is 0: when the attempt
    /// was made is not known (the webhook may come hours late), so a
    /// listing reads the claim back as far as
    /// [`max_pages`](super::ReconcileTerms::max_pages) allows.
    ///
    /// ```
    /// use claimkit::reconcile::{Answered, Check};
    /// use claimkit::{AttemptStatus, Context};
    ///
    /// let mut success = Context::default();
    /// success.claim_id = Some("c1".into());
    /// success.claim_attempt_id = Some("a1".into());
    /// success.attempt_status = Some(AttemptStatus::Success);
    /// let check = Check::late_success(&success).unwrap();
    /// assert_eq!(check.answered, Answered::AssignedNumber);
    /// assert_eq!(check.key(), "check:assigned:a1");
    /// ```
    pub fn late_success(context: &Context) -> Option<Self> {
        if context.is_simulation() || context.attempt_status() != &AttemptStatus::Success {
            return None;
        }
        let claim_id = context.claim_id.as_deref().filter(|id| !id.is_empty())?;
        Some(Self {
            claim_attempt_id: context.attempt_id()?.to_owned(),
            claim_id: claim_id.to_owned(),
            answered: Answered::AssignedNumber,
            action: ActionOn::Never,
            answered_at_ms: 0,
            instance_id: None,
        })
    }

    /// Whether the check needs the claim's listing (the status route
    /// carries no claim number): an [`Answered::AssignedNumber`] check.
    pub(crate) fn needs_listing(&self) -> bool {
        self.answered == Answered::AssignedNumber
    }

    /// The check's key in the queue:
    /// `"check:{answered}:{claimAttemptId}"`, with `":{instanceId}"` per
    /// instance. One check per attempt and plugin kind, however often the
    /// platform retries the call.
    pub fn key(&self) -> String {
        let mut key = format!(
            "{CHECK_PREFIX}{}:{}",
            self.answered.as_str(),
            self.claim_attempt_id
        );
        if let Some(instance) = &self.instance_id {
            key.push(':');
            key.push_str(instance);
        }
        key
    }

    /// The post-claim action `outcome` asks for: the very
    /// [`StatusAction`] the attempt's status webhook would queue, under the
    /// same key (`"{claimAttemptId}:{status}"`).
    pub fn status_action(&self, outcome: &Outcome) -> StatusAction {
        StatusAction {
            claim_attempt_id: self.claim_attempt_id.clone(),
            claim_id: self.claim_id.clone(),
            status: outcome.attempt_status(),
            instance_id: self.instance_id.clone(),
        }
    }

    /// The key of [`status_action`](Self::status_action).
    pub fn status_key(&self, outcome: &Outcome) -> String {
        status_key(
            &self.claim_attempt_id,
            self.instance_id.as_deref(),
            outcome.attempt_status().as_str(),
        )
    }
}

/// This process's clock in UNIX milliseconds (0 before 1970).
pub(crate) fn unix_millis_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Whether `key`, a key of the action queue, is a check's
/// ([`Check::key`]) rather than a post-claim action's.
pub fn is_check_key(key: &str) -> bool {
    key.starts_with(CHECK_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executing(instance: Option<&str>) -> Context {
        Context {
            claim_id: Some("c".into()),
            claim_attempt_id: Some("a".into()),
            instance_id: instance.map(Into::into),
            ..Context::default()
        }
    }

    #[test]
    fn the_action_key_is_the_webhooks_key() {
        for scope in [KeyScope::Attempt, KeyScope::Instance] {
            let context = executing(Some("i"));
            let check =
                Check::from_context_with(&context, Answered::StatusHook, ActionOn::Always, scope)
                    .unwrap();
            for (outcome, status) in [
                (
                    Outcome::Succeeded {
                        address: "bb1".into(),
                        claim_number: None,
                    },
                    AttemptStatus::Success,
                ),
                (
                    Outcome::Failed {
                        address: "bb1".into(),
                        reason: None,
                    },
                    AttemptStatus::Failure,
                ),
            ] {
                let mut webhook = context.clone();
                webhook.attempt_status = Some(status);
                assert_eq!(Some(check.status_key(&outcome)), scope.status_key(&webhook));
                assert_eq!(
                    check.status_action(&outcome).key(),
                    check.status_key(&outcome)
                );
            }
        }
    }

    #[test]
    fn only_executing_attempts_with_an_id_are_checked() {
        let mut context = executing(None);
        context.attempt_status = Some(AttemptStatus::Success);
        assert!(Check::from_context(&context, Answered::ClaimNumber, ActionOn::Never).is_none());
        let mut context = executing(None);
        context.claim_attempt_id = Some(String::new());
        assert!(Check::from_context(&context, Answered::ClaimNumber, ActionOn::Never).is_none());
    }

    #[test]
    fn checks_of_two_plugins_on_one_attempt_are_two_jobs() {
        let context = executing(None);
        let number = Check::from_context(&context, Answered::ClaimNumber, ActionOn::Never).unwrap();
        let hook = Check::from_context(&context, Answered::StatusHook, ActionOn::Always).unwrap();
        assert_ne!(number.key(), hook.key());
    }

    #[test]
    fn a_status_action_is_not_a_check() {
        let text = r#"{"claimAttemptId":"a","claimId":"c","status":"success"}"#;
        assert!(serde_json::from_str::<Check>(text).is_err());
        assert!(!is_check_key("a:success"));
    }
}
