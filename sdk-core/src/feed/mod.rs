//! The feed of a claim's new successes: the platform's listing of a
//! claim's attempts, polled, and one post-claim action queued per new
//! successful attempt.
//!
//! # Design
//!
//! Some claims' post-claim action belongs to no plugin of the author's
//! (codes, in-site claims): no status webhook ever reaches it. The
//! platform's advice is to "poll the GET claims endpoint to detect when
//! new users have successfully claimed" (PROTOCOL §1.8; the Zapier "Get
//! Claim Successes" trigger is built the same way). Given a claim id,
//! [`feed_round`] lists the claim's successful attempts
//! ([`PlatformRecord::claim_attempts`](crate::platform::PlatformRecord::claim_attempts))
//! page by page and queues one action per new success, keyed
//! `"{claimAttemptId}:success"` with a
//! [`StatusAction`](crate::store::StatusAction): the key and payload a
//! status webhook would queue, so that the two never both act.
//!
//! **How the listing is read.** The platform's listings are newest first,
//! and a page's bookmark names the last attempt on it: the next page is
//! the attempts older than that one (a cursor, not an offset). So new
//! attempts appear at the head of the listing, and the pages below never
//! shift. A feed therefore does not list everything each round:
//!
//! - a **walk** starts at the head and goes down page by page until it
//!   lists attempts older than the **floor** (the newest attempt the last
//!   finished walk saw) less a **lookback** ([`FeedTerms::lookback`]), or
//!   reaches the end of the listing. With nothing new, a round costs one
//!   request; with `n` new successes, about `n / page size + 1`.
//! - the very first walk has no floor: it lists the whole listing, and
//!   queues every success in it;
//! - the lookback finds an attempt the platform recorded late, with a time
//!   a little older than attempts listed before it; the successes within
//!   the lookback are remembered by id in the position, so the next walk,
//!   which lists them again, skips them;
//! - a walk longer than a round's page limit ([`FeedTerms::pages_per_round`])
//!   or stopped by the platform (`429`, `402`, the budget) keeps its
//!   bookmark in the store, and the next round goes on from it.
//!
//! A listing that is not newest first (an attempt newer, by more than the
//! lookback, than one listed before it) is an error: a feed that read it
//! from the head would miss successes, so it stops and says so.
//!
//! **What is kept, and where.** A [`FeedPosition`] per claim (floor, recent
//! successes, the walk under way), written as JSON into the store's
//! [`Feeds`](crate::store::Feeds): every backend keeps it and moves it by
//! compare-and-set, after the page's actions are queued. A restart goes on
//! from it; a crash between queuing and recording lists a page again, and
//! the queue, which knows each key, adds nothing; a second replica whose
//! view went stale stops its round ([`FeedRound::overtaken`]). So nothing
//! is queued twice, across restarts and replicas.
//!
//! **What it costs.** One request per page, each through the record the
//! caller passes: put it behind a [`Gated`](crate::platform::Gated) gate,
//! the one the rest of the plugin's calls share, for one budget and one
//! backoff. The listing is asked without failed attempts (they queue
//! nothing).
//!
//! The loop that runs rounds on a timer, for several claims, is
//! `claimkit_tokio::Feed`.

mod position;
mod round;
mod terms;

pub use position::FeedPosition;
pub use round::{feed_round, FeedRound};
pub use terms::FeedTerms;
