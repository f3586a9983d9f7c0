//! The feed of watched claims' new successes: `WATCH_CLAIMS` names the
//! claims, and each new success queues the post-claim action.

use std::time::Duration;

use claimkit::ErrorKind;
use claimkit_store::Store;
use claimkit_tokio::{Feed, FeedHandle};

use crate::PlatformApi;

/// What `WATCH_CLAIMS` and `FEED_INTERVAL` ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedSettings {
    /// The claims whose new successes queue the post-claim action.
    pub claims: Vec<String>,
    /// How often each claim is listed (`None`: [`Feed::DEFAULT_INTERVAL`]).
    pub interval: Option<Duration>,
}

impl FeedSettings {
    /// Reads `WATCH_CLAIMS` (comma-separated claim ids) and `FEED_INTERVAL`
    /// (seconds between listings of a claim).
    ///
    /// # Errors
    /// When `FEED_INTERVAL` is not a number of seconds.
    pub fn from_env() -> Result<Self, claimkit::Error> {
        Ok(Self {
            claims: watch_claims(std::env::var("WATCH_CLAIMS").ok().as_deref()),
            interval: crate::seconds("FEED_INTERVAL")?,
        })
    }

    /// Starts the feed of the watched claims, queuing into `store`, listed
    /// through `api` (the gate reconciliation shares: one budget, one
    /// backoff); `None` when no claim is watched. Prints a start-up
    /// line saying which claims are watched, or that none is.
    ///
    /// # Errors
    /// When claims are watched but there is no API (`BITBADGES_API_KEY`
    /// unset): a start that cannot work fails before listening.
    pub fn start(
        &self,
        store: Store,
        api: Option<PlatformApi>,
    ) -> Result<Option<FeedHandle>, claimkit::Error> {
        if self.claims.is_empty() {
            println!("feed: off (WATCH_CLAIMS is not set)");
            return Ok(None);
        }
        let Some(api) = api else {
            return Err(claimkit::Error::with_message(
                ErrorKind::InvalidConfig,
                "WATCH_CLAIMS is set but BITBADGES_API_KEY is not: the feed lists claims through the BitBadges API",
            ));
        };
        let feed = Feed::new(store, api, self.claims.clone());
        let feed = match self.interval {
            Some(interval) => feed.with_interval(interval),
            None => feed,
        };
        println!(
            "feed: watching {} claim(s) ({}) for new successes, every {} s",
            feed.claims().len(),
            feed.claims().join(", "),
            self.interval
                .unwrap_or(Feed::<Store, PlatformApi>::DEFAULT_INTERVAL)
                .as_secs_f64()
        );
        Ok(Some(feed.start()))
    }
}

/// The claim ids in `WATCH_CLAIMS`: comma-separated, blanks ignored.
pub fn watch_claims(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|claim| !claim.is_empty())
        .map(str::to_owned)
        .collect()
}
