//! One round of a claim's feed: a walk down the listing from where the
//! store says it stands.

use std::collections::HashSet;

use super::position::{FeedPosition, Seen, Walk};
use super::FeedTerms;
use crate::platform::{PlatformRecord, Unanswered};
use crate::store::{enqueue_action, Actions, Feeds, StatusAction};
use crate::{AttemptStatus, Error, ErrorKind};

/// What one [`feed_round`] did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct FeedRound {
    /// The pages listed: one request each.
    pub pages: u32,
    /// The actions queued (new keys only).
    pub queued: u32,
    /// Whether the walk finished: it reached attempts an earlier walk
    /// listed, or the end of the listing. The next round starts from the
    /// newest attempts again.
    pub finished: bool,
    /// Whether another process moved the position first (a replica
    /// walking the same claim): this round stopped, and left the walk to
    /// it.
    pub overtaken: bool,
    /// Why the platform gave no page, if it did not: the round stopped
    /// there, its place kept.
    pub unanswered: Option<Unanswered>,
}

impl FeedRound {
    /// Whether the walk has more to list right away: it stopped at the
    /// round's page limit, with nothing in its way.
    pub fn more(&self) -> bool {
        !self.finished && !self.overtaken && self.unanswered.is_none()
    }
}

/// One round of the feed of `claim_id`'s new successes: lists the claim's
/// successful attempts page by page, from where `store` says the feed
/// stands, and queues one post-claim action per success it has not queued
/// before, keyed `"{claimAttemptId}:success"` with a [`StatusAction`]
/// payload: the key and payload a status webhook would queue, so whichever
/// comes first decides and the other adds nothing.
///
/// See [the module](super) for how the walk uses the listing's order and
/// its bookmark. Each page's progress is recorded in the store
/// ([`Feeds::advance_feed`]) after its actions are queued: a crash in
/// between lists the page again and queues nothing twice (the queue knows
/// the keys); a second replica on the same store finds its view stale and
/// stops ([`FeedRound::overtaken`]).
///
/// A refusal of the platform (a `429`, a `402`, a budget spent: pass the
/// record behind a [`Gated`](crate::platform::Gated) gate) ends the round
/// with [`FeedRound::unanswered`], its place kept.
///
/// # Errors
/// The store's errors; [`ErrorKind::Unavailable`] for a position the store
/// holds that claimkit never writes; [`ErrorKind::InvalidResponse`] when
/// the listing is not newest first (an attempt newer, by more than the
/// lookback, than one listed before it): the feed would miss successes, so
/// it stops rather than guess.
///
/// ```
/// use claimkit::feed::{feed_round, FeedTerms};
/// use claimkit::platform::Outcome;
/// use claimkit::store::{Actions, ActionTerms, MemoryStore};
/// use claimkit::testing::ScriptedRecord;
///
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let record = ScriptedRecord::new().newest_first().with_page_size(2);
/// // Four attempts, ten minutes apart.
/// for (i, success) in [true, false, true, true].into_iter().enumerate() {
///     record.attempt("claim-1", &format!("a{i}"), success, i as u64 * 600_000);
/// }
/// let round = feed_round(&store, &record, "claim-1", &FeedTerms::default()).await?;
/// assert!(round.finished);
/// assert_eq!(round.queued, 3);
/// let mut keys: Vec<String> = store
///     .take_due(10, &ActionTerms::default())
///     .await?
///     .into_iter()
///     .map(|due| due.key)
///     .collect();
/// keys.sort();
/// assert_eq!(keys, ["a0:success", "a2:success", "a3:success"]);
///
/// // Nothing new: one page listed (down to the lookback), nothing queued.
/// let again = feed_round(&store, &record, "claim-1", &FeedTerms::default()).await?;
/// assert_eq!((again.pages, again.queued), (1, 0));
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn feed_round<S, R>(
    store: &S,
    record: &R,
    claim_id: &str,
    terms: &FeedTerms,
) -> Result<FeedRound, Error>
where
    S: Feeds + Actions + ?Sized,
    R: PlatformRecord + ?Sized,
{
    let lookback = u64::try_from(terms.lookback.as_millis()).unwrap_or(u64::MAX);
    let mut stored = store.feed_position(claim_id).await?;
    let mut position = match &stored {
        Some(text) => FeedPosition::decode(text)?,
        None => FeedPosition::default(),
    };
    let known: HashSet<String> = position.recent.iter().map(|s| s.id.clone()).collect();
    let stop_below = position.floor.map(|floor| floor.saturating_sub(lookback));
    let (mut bookmark, mut walk) = match position.walk.take() {
        Some(walk) => (Some(walk.bookmark.clone()), walk),
        None => (
            None,
            Walk {
                bookmark: String::new(),
                top: None,
                recent: Vec::new(),
            },
        ),
    };
    let mut round = FeedRound::default();
    let mut previous: Option<u64> = None;
    while round.pages < terms.pages_per_round.max(1) {
        let page = match record
            .claim_attempts(claim_id, bookmark.as_deref(), false)
            .await
        {
            Ok(page) => page,
            Err(unanswered) => {
                round.unanswered = Some(unanswered);
                return Ok(round);
            }
        };
        round.pages += 1;
        // The page's order first: nothing of a page the feed cannot read
        // is queued.
        for attempt in &page.attempts {
            let at = attempt.attempted_at_ms;
            if previous.is_some_and(|before| at > before.saturating_add(lookback)) {
                return Err(out_of_order());
            }
            previous = Some(at);
        }
        let mut reached = false;
        for attempt in &page.attempts {
            let at = attempt.attempted_at_ms;
            walk.top = walk.top.max(Some(at));
            if stop_below.is_some_and(|below| at < below) {
                reached = true;
                continue;
            }
            if !attempt.outcome.is_success() || known.contains(&attempt.claim_attempt_id) {
                continue;
            }
            let action = StatusAction {
                claim_attempt_id: attempt.claim_attempt_id.clone(),
                claim_id: claim_id.to_owned(),
                status: AttemptStatus::Success,
                instance_id: None,
            };
            if enqueue_action(store, &action.key(), &action).await? {
                round.queued += 1;
                metrics::counter!(crate::metrics::FEED_QUEUED).increment(1);
            }
            walk.recent.push(Seen {
                id: action.claim_attempt_id,
                at,
            });
        }
        if let Some(top) = walk.top {
            walk.recent
                .retain(|seen| seen.at >= top.saturating_sub(lookback));
        }
        let finished = reached || page.next_bookmark.is_none();
        let next = if finished {
            let floor = position.floor.max(walk.top);
            let mut recent = std::mem::take(&mut position.recent);
            recent.append(&mut walk.recent);
            if let Some(floor) = floor {
                recent.retain(|seen| seen.at >= floor.saturating_sub(lookback));
            }
            let mut ids = HashSet::new();
            recent.retain(|seen| ids.insert(seen.id.clone()));
            FeedPosition {
                floor,
                recent,
                walk: None,
            }
        } else {
            walk.bookmark = page.next_bookmark.clone().unwrap_or_default();
            FeedPosition {
                floor: position.floor,
                recent: position.recent.clone(),
                walk: Some(walk.clone()),
            }
        };
        let text = next.encode();
        if !store
            .advance_feed(claim_id, stored.as_deref(), &text)
            .await?
        {
            tracing::debug!(claim_id, "another process moved this claim's feed first");
            round.overtaken = true;
            return Ok(round);
        }
        stored = Some(text);
        if finished {
            round.finished = true;
            return Ok(round);
        }
        bookmark = page.next_bookmark;
    }
    Ok(round)
}

fn out_of_order() -> Error {
    tracing::warn!("the platform listed a claim's attempts oldest first: the feed stops rather than miss successes");
    Error::with_message(
        ErrorKind::InvalidResponse,
        "the platform's listing of a claim's attempts is not newest first",
    )
}

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    use super::*;
    use crate::store::MemoryStore;
    use crate::testing::ScriptedRecord;

    #[test]
    fn each_new_action_is_counted_once_without_a_label() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let store = MemoryStore::default();
        let record = ScriptedRecord::new().newest_first().with_page_size(2);
        for (i, success) in [true, false, true, true, false].into_iter().enumerate() {
            record.attempt("c", &format!("a{i}"), success, i as u64 * 600_000);
        }
        metrics::with_local_recorder(&recorder, || {
            futures_executor::block_on(async {
                for _ in 0..3 {
                    feed_round(&store, &record, "c", &FeedTerms::default())
                        .await
                        .unwrap();
                }
            });
        });
        let counted: Vec<(String, usize, u64)> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let key = key.key();
                let count = match value {
                    DebugValue::Counter(count) => count,
                    other => panic!("not a counter: {other:?}"),
                };
                (key.name().to_owned(), key.labels().count(), count)
            })
            .collect();
        assert_eq!(
            counted,
            [(crate::metrics::FEED_QUEUED.to_owned(), 0, 3)],
            "three successes, each counted once over three rounds"
        );
    }

    /// A listing oldest first, one page: the order a feed cannot read
    /// from the head.
    struct OldestFirst;

    impl PlatformRecord for OldestFirst {
        async fn attempt_outcome(&self, _: &str) -> Result<crate::platform::Outcome, Unanswered> {
            Err(Unanswered::new(
                crate::platform::UnansweredKind::NotKnownYet,
            ))
        }

        async fn claim_attempts(
            &self,
            _: &str,
            _: Option<&str>,
            _: bool,
        ) -> Result<crate::platform::AttemptsPage, Unanswered> {
            let attempt = |id: &str, at: u64| {
                crate::platform::ListedAttempt::new(
                    id,
                    crate::platform::Outcome::Succeeded {
                        address: "bb1a".into(),
                        claim_number: None,
                    },
                    at,
                )
            };
            Ok(crate::platform::AttemptsPage::new(
                vec![attempt("old", 0), attempt("new", 3_600_000)],
                None,
            ))
        }
    }

    #[test]
    fn a_listing_oldest_first_is_an_error_not_a_guess() {
        let store = MemoryStore::default();
        let err = futures_executor::block_on(feed_round(
            &store,
            &OldestFirst,
            "c",
            &FeedTerms::default(),
        ))
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse);
        assert!(futures_executor::block_on(store.feed_position("c"))
            .unwrap()
            .is_none());
        // Nothing of the page was queued.
        let due =
            futures_executor::block_on(store.take_due(10, &crate::store::ActionTerms::default()))
                .unwrap();
        assert!(due.is_empty(), "{due:?}");
    }
}
