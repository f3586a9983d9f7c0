//! Two replicas of this example on one shared store, PostgreSQL and Redis
//! (the machine's real servers; each test in a schema or key prefix of its
//! own).

use parity_tests::replicas::{two_replicas_share_one_store, Shared};

const BINARY: &str = env!("CARGO_BIN_EXE_example-actix-plugins");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres() {
    let Some(store) = Shared::Postgres.isolate() else {
        return;
    };
    two_replicas_share_one_store(BINARY, &store.store_url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_redis() {
    let Some(store) = Shared::Redis.isolate() else {
        return;
    };
    two_replicas_share_one_store(BINARY, &store.store_url).await;
}
