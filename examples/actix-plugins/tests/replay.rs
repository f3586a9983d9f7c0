//! Claim numbers under the 2026 call model (a simulation may be the only
//! call of an attempt) on this example's binary: on SQLite, and on the
//! machine's real PostgreSQL and Redis (each test in a schema or key prefix
//! of its own), with one server and with two replicas on one store.

use parity_tests::replay::{a_held_number_survives_sigkill, replayed_claims_stay_dense};
use parity_tests::replicas::Shared;

const BINARY: &str = env!("CARGO_BIN_EXE_example-actix-plugins");

/// Every check on the store `store_url`.
async fn every_check(store_url: &str) {
    replayed_claims_stay_dense(BINARY, store_url, "replay-one-server", 1).await;
    replayed_claims_stay_dense(BINARY, store_url, "replay-two-replicas", 2).await;
    a_held_number_survives_sigkill(BINARY, store_url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_simulations_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("claimkit.db").display());
    every_check(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_simulations_on_postgres() {
    let Some(store) = Shared::Postgres.isolate() else {
        return;
    };
    every_check(&store.store_url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_simulations_on_redis() {
    let Some(store) = Shared::Redis.isolate() else {
        return;
    };
    every_check(&store.store_url).await;
}
