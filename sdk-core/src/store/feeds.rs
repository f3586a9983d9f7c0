//! Where each watched claim's feed stands in the platform's listing.

use std::future::Future;

use crate::Error;

/// Where the feed of each watched claim stands in the platform's listing
/// of the claim's attempts ([`feed_round`](crate::feed::feed_round)): one
/// position per claim, kept as text.
///
/// The position is the core's ([`FeedPosition`](crate::feed::FeedPosition),
/// written as JSON): an implementation never reads it, it only keeps it and
/// moves it atomically. The rules (where a walk starts and stops, what it
/// queues) are the core's.
///
/// # What an implementation guarantees
///
/// - **Compare and set.** [`advance_feed`](Self::advance_feed) moves a
///   claim's position only from the very text the caller read (or from
///   none, for a claim never advanced), in one atomic step across every
///   process sharing the store: of concurrent advances from one position,
///   exactly one answers `true`. A replica whose view is stale changes
///   nothing, and learns it.
/// - **Durability.** A position recorded before a method returned `Ok`
///   survives a crash of the process (for
///   [`MemoryStore`](super::MemoryStore): it does not).
/// - **Bounded.** One entry per watched claim, replaced in place: nothing
///   piles up, so nothing expires.
///
/// ```
/// use claimkit::store::{Feeds, MemoryStore};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// assert_eq!(store.feed_position("claim-1").await?, None);
/// assert!(store.advance_feed("claim-1", None, "p1").await?);
/// // A replica that read nothing yet is too late.
/// assert!(!store.advance_feed("claim-1", None, "p1'").await?);
/// assert!(store.advance_feed("claim-1", Some("p1"), "p2").await?);
/// assert_eq!(store.feed_position("claim-1").await?.as_deref(), Some("p2"));
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub trait Feeds: Send + Sync {
    /// The position last recorded for `claim_id`, or `None` when none was.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn feed_position(
        &self,
        claim_id: &str,
    ) -> impl Future<Output = Result<Option<String>, Error>> + Send;

    /// Records `to` as `claim_id`'s position if its position is still
    /// `from` (`None`: no position recorded). `Ok(false)` when it is not:
    /// nothing changes.
    ///
    /// # Errors
    /// As [`feed_position`](Self::feed_position).
    fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> impl Future<Output = Result<bool, Error>> + Send;
}

impl<T: Feeds + ?Sized> Feeds for std::sync::Arc<T> {
    fn feed_position(
        &self,
        claim_id: &str,
    ) -> impl Future<Output = Result<Option<String>, Error>> + Send {
        (**self).feed_position(claim_id)
    }
    fn advance_feed(
        &self,
        claim_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).advance_feed(claim_id, from, to)
    }
}
