//! What a successful verification tells: who signed, which delivery, when.

use std::borrow::Cow;
use std::time::SystemTime;

use super::timestamp::to_system_time;
use crate::SecretMatch;

/// A delivery whose signature checked out, borrowing from the request.
///
/// It tells which accepted secret signed it, the delivery id when the
/// scheme has one, and the signed timestamp when the scheme signs one.
/// [`into_delivery`](Verified::into_delivery) turns it into an owned
/// [`Delivery`] for a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<'a> {
    secret: SecretMatch,
    id: Option<Cow<'a, str>>,
    timestamp: Option<u64>,
}

impl<'a> Verified<'a> {
    pub(crate) fn new(
        secret: SecretMatch,
        id: Option<Cow<'a, str>>,
        timestamp: Option<u64>,
    ) -> Self {
        Self {
            secret,
            id,
            timestamp,
        }
    }

    /// Which accepted secret the signature matched; index `0` is the current
    /// one. For a Standard Webhooks `v1a` signature, which public key (see
    /// [`StandardWebhooks::with_public_keys`](super::StandardWebhooks::with_public_keys)
    /// for the numbering beside secrets).
    pub fn secret(&self) -> SecretMatch {
        self.secret
    }

    /// The delivery id, the same on every retry of one delivery: a header
    /// such as `webhook-id` or `x-github-delivery`, or a field of the body
    /// such as claimr's `id`. `None` when the scheme has no id or the
    /// delivery did not carry one.
    pub fn delivery_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signed timestamp in UNIX seconds, when the scheme signs one. It
    /// has been checked against the verifier's tolerance.
    pub fn timestamp(&self) -> Option<u64> {
        self.timestamp
    }

    /// The signed timestamp as a [`SystemTime`].
    pub fn signed_at(&self) -> Option<SystemTime> {
        self.timestamp.and_then(to_system_time)
    }

    /// The owned form, for request extensions and handlers.
    pub fn into_delivery(self) -> Delivery {
        Delivery {
            id: self.id.map(Cow::into_owned),
            timestamp: self.timestamp,
            secret: self.secret,
            redelivery: false,
        }
    }
}

impl From<Verified<'_>> for Delivery {
    fn from(verified: Verified<'_>) -> Self {
        verified.into_delivery()
    }
}

/// A verified delivery, owned: what the adapters hand to a handler next to
/// the untouched body.
///
/// ```
/// use claimkit::signature::{FixedClock, StandardWebhooks, Verifier};
/// use claimkit::Secret;
///
/// let verifier = StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?
///     .with_clock(FixedClock::at_unix(1_614_265_330));
/// let headers = [
///     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
///     ("webhook-timestamp", "1614265330"),
///     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
/// ];
/// let delivery = verifier.verify(&headers, br#"{"test": 2432232314}"#)?.into_delivery();
/// assert_eq!(delivery.id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
/// assert_eq!(delivery.timestamp(), Some(1_614_265_330));
/// assert!(delivery.secret().is_current());
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Delivery {
    id: Option<String>,
    timestamp: Option<u64>,
    secret: SecretMatch,
    redelivery: bool,
}

impl Delivery {
    /// Whether this delivery's id was seen before: a retry or a replay.
    /// Set by [`WebhookGate`](super::WebhookGate) when it forwards
    /// redeliveries to the handler.
    pub fn is_redelivery(&self) -> bool {
        self.redelivery
    }

    pub(crate) fn mark_redelivery(&mut self) {
        self.redelivery = true;
    }

    /// The delivery id, when the scheme has one: the key to deduplicate
    /// retries on.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signed timestamp in UNIX seconds, when the scheme signs one.
    pub fn timestamp(&self) -> Option<u64> {
        self.timestamp
    }

    /// The signed timestamp as a [`SystemTime`].
    pub fn signed_at(&self) -> Option<SystemTime> {
        self.timestamp.and_then(to_system_time)
    }

    /// Which accepted secret the signature matched.
    pub fn secret(&self) -> SecretMatch {
        self.secret
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn borrowed_and_owned_forms_agree() {
        let verified = Verified::new(SecretMatch::new(1), Some(Cow::Borrowed("d-1")), Some(9));
        assert_eq!(verified.delivery_id(), Some("d-1"));
        assert_eq!(verified.secret().index(), 1);
        assert_eq!(
            verified.signed_at(),
            Some(UNIX_EPOCH + Duration::from_secs(9))
        );
        let delivery = Delivery::from(verified.clone());
        assert_eq!(delivery.id(), Some("d-1"));
        assert_eq!(delivery.timestamp(), Some(9));
        assert_eq!(delivery.signed_at(), verified.signed_at());
        assert!(!delivery.secret().is_current());

        let bare = Verified::new(SecretMatch::new(0), None, None).into_delivery();
        assert_eq!(
            (bare.id(), bare.timestamp(), bare.signed_at()),
            (None, None, None)
        );
    }
}
