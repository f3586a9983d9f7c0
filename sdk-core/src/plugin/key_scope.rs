//! The keys a plugin's state is kept under: per attempt, or per plugin
//! instance within the attempt. The formulas are written once, in
//! `state_key`.

use super::{state_key, Context};

/// What one key of a plugin's state stands for: one claim attempt (the
/// default), or one plugin instance within the attempt.
///
/// A claim may hold a plugin twice when its author registered it with
/// `duplicatesAllowed` (PROTOCOL §1.9): each instance is called on its own,
/// with the same `claimAttemptId` and its own `instanceId`. Keyed per
/// attempt, the second instance's call would be taken for a retry of the
/// first's: it would get the first's claim token, and its status webhook
/// would queue nothing. Such a plugin keys per instance:
///
/// | key | [`Attempt`](Self::Attempt) (default) | [`Instance`](Self::Instance) |
/// |---|---|---|
/// | claim token ([`claim_token_with`](crate::store::claim_token_with)) | `<claimAttemptId>` | `<claimAttemptId>:<instanceId>` |
/// | status webhook: post-claim action ([`enqueue_status_action_with`](crate::store::enqueue_status_action_with)), delivery ([`Deliveries`](crate::store::Deliveries)) | `<claimAttemptId>:<status>` | `<claimAttemptId>:<instanceId>:<status>` |
///
/// A call without an `instanceId` (senders before the 2026 platform omit
/// it) is keyed per attempt under either scope: there is nothing else to
/// tell its instances apart by. Claim numbers stay per attempt: an
/// attempt holds one number, whichever instance asks.
///
/// ```
/// use claimkit::{AttemptStatus, Context, KeyScope};
///
/// let mut webhook = Context::default();
/// webhook.claim_attempt_id = Some("a1".into());
/// webhook.instance_id = Some("i2".into());
/// webhook.attempt_status = Some(AttemptStatus::Success);
/// assert_eq!(KeyScope::Attempt.status_key(&webhook).as_deref(), Some("a1:success"));
/// assert_eq!(KeyScope::Instance.status_key(&webhook).as_deref(), Some("a1:i2:success"));
/// assert_eq!(KeyScope::Instance.attempt_key(&webhook).as_deref(), Some("a1:i2"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyScope {
    /// One key per claim attempt: what the README and the examples'
    /// `Idempotency-Key` promise.
    #[default]
    Attempt,
    /// One key per plugin instance within the claim attempt, for a plugin
    /// registered with `duplicatesAllowed`.
    Instance,
}

impl KeyScope {
    /// The key of this call's attempt: `<claimAttemptId>`, or
    /// `<claimAttemptId>:<instanceId>` per instance. `None` without an
    /// attempt id (a simulation, a legacy call).
    pub fn attempt_key(self, context: &Context) -> Option<String> {
        let attempt = context.attempt_id()?;
        Some(state_key::attempt_key(attempt, self.instance(context)))
    }

    /// The key of this status webhook among its retries:
    /// `<claimAttemptId>:<status>`, or
    /// `<claimAttemptId>:<instanceId>:<status>` per instance. `None` unless
    /// the call is a status webhook (`success` or `failure`) with an
    /// attempt id, outside a simulation.
    pub fn status_key(self, context: &Context) -> Option<String> {
        context.status_key_for(self.instance(context))
    }

    /// The instance id this scope keys by, if any.
    pub(crate) fn instance(self, context: &Context) -> Option<&str> {
        match self {
            Self::Attempt => None,
            Self::Instance => context.instance_id().filter(|id| !id.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttemptStatus;

    fn call(status: AttemptStatus, instance: Option<&str>) -> Context {
        Context {
            claim_attempt_id: Some("a".into()),
            attempt_status: Some(status),
            instance_id: instance.map(Into::into),
            ..Context::default()
        }
    }

    #[test]
    fn per_attempt_keys_ignore_the_instance() {
        let webhook = call(AttemptStatus::Failure, Some("i"));
        assert_eq!(
            KeyScope::Attempt.status_key(&webhook).as_deref(),
            Some("a:failure")
        );
        assert_eq!(
            KeyScope::Attempt.attempt_key(&webhook).as_deref(),
            Some("a")
        );
    }

    #[test]
    fn per_instance_keys_tell_instances_apart() {
        let first = call(AttemptStatus::Success, Some("i1"));
        let second = call(AttemptStatus::Success, Some("i2"));
        assert_ne!(
            KeyScope::Instance.status_key(&first),
            KeyScope::Instance.status_key(&second)
        );
        assert_eq!(
            KeyScope::Instance.attempt_key(&second).as_deref(),
            Some("a:i2")
        );
    }

    #[test]
    fn without_an_instance_id_keys_are_per_attempt() {
        for instance in [None, Some("")] {
            let webhook = call(AttemptStatus::Success, instance);
            assert_eq!(
                KeyScope::Instance.status_key(&webhook).as_deref(),
                Some("a:success")
            );
            assert_eq!(
                KeyScope::Instance.attempt_key(&webhook).as_deref(),
                Some("a")
            );
        }
    }

    #[test]
    fn no_status_key_for_executing_calls_simulations_or_no_attempt() {
        for scope in [KeyScope::Attempt, KeyScope::Instance] {
            assert_eq!(
                scope.status_key(&call(AttemptStatus::Executing, Some("i"))),
                None
            );
            let mut simulated = call(AttemptStatus::Success, Some("i"));
            simulated.simulation = Some(true);
            assert_eq!(scope.status_key(&simulated), None);
            let mut anonymous = call(AttemptStatus::Success, Some("i"));
            anonymous.claim_attempt_id = Some(String::new());
            assert_eq!(scope.status_key(&anonymous), None);
            assert_eq!(scope.attempt_key(&anonymous), None);
        }
    }
}
