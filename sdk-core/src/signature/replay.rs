//! Recognising a delivery that arrives again.
//!
//! Senders retry: claimr after 5 s, 30 s, 1 min and 5 min; Standard
//! Webhooks senders, GitHub and Stripe for hours or days. Every retry carries
//! the same delivery id, and a captured delivery replayed inside the
//! timestamp tolerance passes the signature check too. The
//! [`WebhookGate`](super::WebhookGate) keeps each delivery id in a
//! [`Deliveries`](crate::store::Deliveries) store under the key
//! `webhook:{id}`: new (run the handler under a lease), in flight (another
//! holder runs it: answer `409` so that the sender retries), or done
//! (acknowledge it with `200` without running the handler again).
//!
//! Keep done deliveries for at least the scheme's past
//! [`Tolerance`](super::Tolerance), and for as long as the sender retries:
//! [`DeliveryTerms::default`](crate::store::DeliveryTerms) keeps them eight
//! days.
//!
//! ```
//! assert_eq!(claimkit::signature::replay::key("msg_1"), "webhook:msg_1");
//! ```

/// The prefix of every key the gate puts in a
/// [`Deliveries`](crate::store::Deliveries) store.
pub const KEY_PREFIX: &str = "webhook:";

/// The store key for a delivery id: `webhook:{id}`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}
