//! Where a claim's feed stands: the text a store keeps for it.

use serde::{Deserialize, Serialize};

use crate::{Error, ErrorKind};

/// Where a claim's feed stands in the platform's listing of the claim's
/// attempts, as [`Feeds`](crate::store::Feeds) keeps it (JSON text the
/// store never reads).
///
/// - the **floor**: the newest attempt time (UNIX ms) a finished walk
///   reached; the next walk stops once it lists attempts older than the
///   floor less the [lookback](super::FeedTerms::lookback);
/// - the **recent** successes: those within the lookback below the floor,
///   by id, queued already, which the next walk lists again and skips;
/// - the **walk** under way, if one was interrupted (a round's page limit,
///   a refusal of the platform, a crash): the bookmark to go on from, the
///   newest attempt time it saw, and the successes it saw near the top.
///
/// ```
/// use claimkit::feed::FeedPosition;
///
/// let start = FeedPosition::default();
/// assert_eq!(start.floor_ms(), None);
/// assert!(!start.walking());
/// let text = start.encode();
/// assert_eq!(FeedPosition::decode(&text)?, start);
/// assert!(FeedPosition::decode("{\"floor\": -1}").is_err());
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedPosition {
    #[serde(default)]
    pub(super) floor: Option<u64>,
    #[serde(default)]
    pub(super) recent: Vec<Seen>,
    #[serde(default)]
    pub(super) walk: Option<Walk>,
}

/// A success the feed queued, and when it was attempted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Seen {
    pub(super) id: String,
    pub(super) at: u64,
}

/// A walk down the listing, under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Walk {
    /// Where the next page starts.
    pub(super) bookmark: String,
    /// The newest attempt time this walk listed.
    pub(super) top: Option<u64>,
    /// The successes it queued within the lookback below `top`.
    #[serde(default)]
    pub(super) recent: Vec<Seen>,
}

impl FeedPosition {
    /// The newest attempt time (UNIX ms) a finished walk reached; `None`
    /// before the first walk finished (the first walk lists the whole
    /// listing).
    pub fn floor_ms(&self) -> Option<u64> {
        self.floor
    }

    /// Whether a walk is under way (it goes on from its bookmark).
    pub fn walking(&self) -> bool {
        self.walk.is_some()
    }

    /// How many queued successes the position remembers by id (within
    /// the lookback below its floor, and near the top of its walk).
    pub fn remembered(&self) -> usize {
        self.recent.len() + self.walk.as_ref().map_or(0, |walk| walk.recent.len())
    }

    /// The position as the store keeps it: JSON text.
    pub fn encode(&self) -> String {
        // A struct of strings and numbers always writes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The position `text` holds.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`] when `text` is not a position this crate
    /// writes (the store holds a value it never wrote): never a fresh start
    /// in its place, which would queue the claim's whole listing again.
    /// serde's error is its `source()`.
    pub fn decode(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|err| {
            tracing::error!(error = %err, "a feed position in the store is not one claimkit writes");
            Error::with_message(
                ErrorKind::Unavailable,
                "the store holds a feed position claimkit never writes",
            )
            .with_source(err)
        })
    }
}
