//! The feed of a watched claim's new successes (`WATCH_CLAIMS`), on this
//! example's binary, with a mock BitBadges API and a real HTTP sink on
//! loopback: on SQLite, and on the machine's real PostgreSQL and Redis
//! (each test in a schema or key prefix of its own; skipped, saying why,
//! where their variables are unset outside CI).

use parity_tests::feed;
use parity_tests::replicas::Shared;

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("feed.db").display());
    feed::the_feed_queues_each_new_success_once(BINARY, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    let Some(store) = Shared::Postgres.isolate() else {
        return;
    };
    feed::the_feed_queues_each_new_success_once(BINARY, &store.store_url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_redis() {
    let Some(store) = Shared::Redis.isolate() else {
        return;
    };
    feed::the_feed_queues_each_new_success_once(BINARY, &store.store_url).await;
}

#[test]
fn the_feed_needs_the_api() {
    feed::the_feed_needs_the_api(BINARY);
}
