//! The feed of watched claims' new successes, on a timer.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use claimkit::feed::{feed_round, FeedTerms};
use claimkit::platform::PlatformRecord;
use claimkit::store::{Actions, Feeds};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Runs the feed of each watched claim's new successes
/// ([`claimkit::feed`]) every [`interval`](Self::with_interval): each
/// claim's round lists its new successful attempts and queues one
/// post-claim action per success, for the [`Runner`](crate::Runner) to
/// run.
///
/// Pass the record behind the [`Gated`](claimkit::platform::Gated) gate
/// the rest of the plugin's calls use: one budget, one backoff. A claim
/// whose walk has more pages goes on at once (within the budget); a
/// refusal of the platform (`429`, `402`, the budget spent) waits for the
/// next interval, its place kept in the store. Replicas may each run a
/// feed on one store: nothing is queued twice.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use claimkit::platform::{CallGate, Gated};
/// use claimkit::store::MemoryStore;
/// use claimkit::testing::ScriptedRecord;
/// use claimkit_tokio::Feed;
///
/// # async fn run() {
/// let store = Arc::new(MemoryStore::default());
/// let record = Arc::new(Gated::new(ScriptedRecord::new().newest_first(), CallGate::default()));
/// let feed = Feed::new(store, record, ["claim-1".to_owned()])
///     .with_interval(Duration::from_secs(60))
///     .start();
/// // ... serve ...
/// feed.shutdown().await;
/// # }
/// ```
#[derive(Debug)]
pub struct Feed<S, R> {
    store: S,
    record: R,
    claims: Vec<String>,
    interval: Duration,
    terms: FeedTerms,
}

impl<S, R> Feed<S, R>
where
    S: Feeds + Actions + Send + Sync + 'static,
    R: PlatformRecord + Send + Sync + 'static,
{
    /// The default [`interval`](Self::with_interval): 30 seconds, one
    /// request per claim with nothing new (2,880 a day per claim).
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

    /// A feed of `claims`' new successes, listed from `record`, queued in
    /// `store`.
    pub fn new(store: S, record: R, claims: impl IntoIterator<Item = String>) -> Self {
        let mut claims: Vec<String> = claims.into_iter().collect();
        claims.sort();
        claims.dedup();
        Self {
            store,
            record,
            claims,
            interval: Self::DEFAULT_INTERVAL,
            terms: FeedTerms::default(),
        }
    }

    /// Lists each claim every `interval` (at least a second).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(Duration::from_secs(1));
        self
    }

    /// Walks each claim's listing by `terms`.
    pub fn with_terms(mut self, terms: FeedTerms) -> Self {
        self.terms = terms;
        self
    }

    /// The claims watched, sorted, each once.
    pub fn claims(&self) -> &[String] {
        &self.claims
    }

    /// Starts the feed on the current Tokio runtime, until
    /// [`FeedHandle::shutdown`]. The first round runs at once.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn start(self) -> FeedHandle {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(Arc::new(self).run(stopped));
        FeedHandle { stop, task }
    }

    async fn run(self: Arc<Self>, mut stopped: watch::Receiver<bool>) {
        let mut failing = vec![false; self.claims.len()];
        while !*stopped.borrow() {
            let mut more = false;
            for (claim, failing) in self.claims.iter().zip(failing.iter_mut()) {
                if *stopped.borrow() {
                    return;
                }
                more |= self.round(claim, failing).await;
            }
            if more {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(self.interval) => {}
                _ = stopped.changed() => {}
            }
        }
    }

    /// One round of `claim`; answers whether its walk has more right away.
    async fn round(&self, claim: &str, failing: &mut bool) -> bool {
        match feed_round(&self.store, &self.record, claim, &self.terms).await {
            Ok(round) => {
                if *failing {
                    tracing::info!(claim_id = claim, "the feed of this claim runs again");
                    *failing = false;
                }
                if round.queued > 0 {
                    tracing::info!(
                        claim_id = claim,
                        queued = round.queued,
                        "the feed queued the post-claim actions of new successes"
                    );
                }
                if let Some(unanswered) = &round.unanswered {
                    // The gate logs each episode of the account once.
                    tracing::debug!(claim_id = claim, reason = %unanswered, "the platform gave no page; the feed waits");
                }
                round.more()
            }
            Err(err) => {
                if !*failing {
                    tracing::warn!(claim_id = claim, error = %err, "the feed of this claim failed; trying again at the next interval");
                    *failing = true;
                }
                false
            }
        }
    }
}

/// A started [`Feed`]: stop it with [`shutdown`](Self::shutdown).
/// Dropped without it, the feed keeps running as long as the runtime.
#[must_use = "dropping the handle leaves the feed without a clean stop: keep it and call `.shutdown()`"]
pub struct FeedHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl FeedHandle {
    /// Stops the feed after the page it is listing, if any: what it queued
    /// and recorded stays, and the next start goes on from there.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl fmt::Debug for FeedHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedHandle").finish_non_exhaustive()
    }
}
