//! The feed on a timer, by Tokio's paused clock: each watched claim's
//! successes queued once, new ones picked up at the next interval, a
//! refusal waited out.

use std::sync::Arc;
use std::time::Duration;

use claimkit::platform::{Unanswered, UnansweredKind};
use claimkit::store::{ActionTerms, Actions, MemoryStore};
use claimkit::testing::ScriptedRecord;
use claimkit_tokio::Feed;

const MINUTE: u64 = 60_000;

async fn queued(store: &MemoryStore) -> Vec<String> {
    let mut keys: Vec<String> = store
        .take_due(1000, &ActionTerms::default())
        .await
        .unwrap()
        .into_iter()
        .map(|due| due.key)
        .collect();
    keys.sort();
    keys
}

#[tokio::test(start_paused = true)]
async fn watched_claims_queue_each_success_once_and_new_ones_later() {
    let store = Arc::new(MemoryStore::default());
    let record = Arc::new(ScriptedRecord::new().newest_first().with_page_size(2));
    for i in 0..7u64 {
        // a0..a6, a minute apart; a2 and a5 failed.
        record.attempt("c1", &format!("a{i}"), i % 3 != 2, i * MINUTE);
    }
    record.attempt("c2", "b0", true, 0);
    let feed = Feed::new(
        store.clone(),
        record.clone(),
        ["c1".to_owned(), "c2".to_owned(), "c1".to_owned()],
    )
    .with_interval(Duration::from_secs(30))
    .start();

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        queued(&store).await,
        [
            "a0:success",
            "a1:success",
            "a3:success",
            "a4:success",
            "a6:success",
            "b0:success"
        ]
    );
    // Three pages of c1's five successes, one page of c2's.
    assert_eq!(record.list_calls(), 4);

    record.attempt("c1", "a7", true, 7 * MINUTE);
    record.attempt("c1", "a8", false, 8 * MINUTE);
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(queued(&store).await, ["a7:success"]);
    // c1 down to its lookback (two minutes): a7 a6, then a4 a3; c2 one.
    assert_eq!(record.list_calls(), 7);

    // A refusal: nothing queued, nothing lost; the next interval goes on.
    record.refuse_next(Unanswered::new(UnansweredKind::Throttled));
    record.attempt("c1", "a9", true, 9 * MINUTE);
    tokio::time::sleep(Duration::from_secs(30)).await;
    let after_refusal = queued(&store).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    let mut all = after_refusal;
    all.extend(queued(&store).await);
    assert_eq!(all, ["a9:success"]);

    feed.shutdown().await;
    let calls = record.list_calls();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(
        record.list_calls(),
        calls,
        "the feed listed after its shutdown"
    );
}
