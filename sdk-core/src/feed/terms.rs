//! How far a feed looks back, and how much one round may list.

use std::time::Duration;

/// How a feed walks a claim's listing ([`feed_round`](super::feed_round)).
///
/// ```
/// use std::time::Duration;
/// use claimkit::feed::FeedTerms;
///
/// let terms = FeedTerms { lookback: Duration::from_secs(300), ..FeedTerms::default() };
/// assert_eq!(terms.pages_per_round, FeedTerms::DEFAULT_PAGES_PER_ROUND);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedTerms {
    /// How far below the newest attempt a finished walk reached the next
    /// walk still lists: an attempt the platform records late, with a time
    /// a little older than attempts listed before it, is still found. The
    /// ids of the successes within it are kept in the position, so that
    /// none is queued twice; a larger lookback lists (and keeps) more.
    pub lookback: Duration,
    /// The most pages one round lists (at least one): a long listing is
    /// walked over several rounds, its place kept in the store, so that
    /// one claim's backlog does not spend the whole budget at once.
    pub pages_per_round: u32,
}

impl FeedTerms {
    /// The default [`lookback`](Self::lookback): two minutes. The platform
    /// processes one collection's attempts one at a time, in order, within
    /// seconds.
    pub const DEFAULT_LOOKBACK: Duration = Duration::from_secs(120);
    /// The default [`pages_per_round`](Self::pages_per_round).
    pub const DEFAULT_PAGES_PER_ROUND: u32 = 20;
}

impl Default for FeedTerms {
    fn default() -> Self {
        Self {
            lookback: Self::DEFAULT_LOOKBACK,
            pages_per_round: Self::DEFAULT_PAGES_PER_ROUND,
        }
    }
}
