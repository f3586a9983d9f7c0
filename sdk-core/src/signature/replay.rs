//! Recognising a delivery that arrives again.
//!
//! Senders retry: claimr after 5 s, 30 s, 1 min and 5 min; Standard
//! Webhooks senders, GitHub and Stripe for hours or days. Every retry carries
//! the same delivery id, and a captured delivery replayed inside the
//! timestamp tolerance passes the signature check too. The adapters call
//! [`begin`] once a signature checks out, skip the handler for a
//! [`Duplicate`](DeliveryState::Duplicate) (answering `200` so the sender
//! stops), and call [`abandon`] when the handler fails, so that the next
//! retry runs it again.
//!
//! Ids are kept in a [`Dedupe`] store under the key `webhook:{id}`. Keep
//! them for at least the scheme's past [`Tolerance`](super::Tolerance), and
//! for as long as the sender retries: the default
//! [`MemoryDedupe`](crate::store::MemoryDedupe) keeps them eight days.
//!
//! ```
//! use claimkit::signature::replay::{self, DeliveryState};
//! use claimkit::store::MemoryDedupe;
//! # futures_executor::block_on(async {
//! let seen = MemoryDedupe::default();
//! assert_eq!(replay::begin(&seen, "msg_1").await?, DeliveryState::New);
//! assert_eq!(replay::begin(&seen, "msg_1").await?, DeliveryState::Duplicate);
//!
//! // The handler failed: let the sender's next retry through.
//! replay::abandon(&seen, "msg_1").await?;
//! assert_eq!(replay::begin(&seen, "msg_1").await?, DeliveryState::New);
//! # Ok::<(), claimkit::Error>(())
//! # }).unwrap();
//! ```

use crate::store::Dedupe;
use crate::Error;

/// The prefix of every key this module puts in a [`Dedupe`] store.
pub const KEY_PREFIX: &str = "webhook:";

/// Whether a delivery is seen for the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// First seen now, or the delivery has no id to recognise it by: run
    /// the handler.
    New,
    /// Seen before and not abandoned: acknowledge it without running the
    /// handler again.
    Duplicate,
}

impl DeliveryState {
    /// Whether the delivery was seen before.
    pub fn is_duplicate(self) -> bool {
        self == Self::Duplicate
    }
}

/// The store key for a delivery id: `webhook:{id}`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

/// Marks a delivery as seen and tells whether it was seen before.
///
/// `id` is the [delivery id](super::Verified::delivery_id); a delivery
/// without one (`None`) cannot be recognised and is always
/// [`New`](DeliveryState::New).
///
/// # Errors
/// Those of the store, such as
/// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable).
pub async fn begin<D: Dedupe + ?Sized>(
    dedupe: &D,
    id: impl Into<Option<&str>>,
) -> Result<DeliveryState, Error> {
    let Some(id) = id.into() else {
        return Ok(DeliveryState::New);
    };
    Ok(if dedupe.first_seen(&key(id)).await? {
        DeliveryState::New
    } else {
        DeliveryState::Duplicate
    })
}

/// Forgets a delivery whose handler did not succeed, so that the sender's
/// next retry is processed.
///
/// # Errors
/// Those of the store, such as
/// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable).
pub async fn abandon<D: Dedupe + ?Sized>(dedupe: &D, id: &str) -> Result<(), Error> {
    dedupe.forget(&key(id)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryDedupe;
    use futures_executor::block_on;

    #[test]
    fn the_futures_are_send() {
        fn send<T: Send>(_: T) {}
        let seen = MemoryDedupe::default();
        send(begin(&seen, "x"));
        send(abandon(&seen, "x"));
    }

    #[test]
    fn ids_are_prefixed_and_missing_ids_are_always_new() {
        assert_eq!(key("abc"), "webhook:abc");
        let seen = MemoryDedupe::default();
        block_on(async {
            assert_eq!(begin(&seen, None).await.unwrap(), DeliveryState::New);
            assert_eq!(begin(&seen, None).await.unwrap(), DeliveryState::New);
            assert!(seen.is_empty());
            assert!(!begin(&seen, Some("x")).await.unwrap().is_duplicate());
            assert!(begin(&seen, Some("x")).await.unwrap().is_duplicate());
            assert!(!seen.first_seen("webhook:x").await.unwrap());
        });
    }
}
