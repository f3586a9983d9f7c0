//! Reconciliation on this example's binary, with a mock of the BitBadges
//! API on loopback: a claim without status webhooks whose numbers follow
//! the platform's record, a `SIGKILL` while checks wait (on SQLite, and on
//! the machine's real PostgreSQL and Redis, each in a schema or key prefix
//! of its own; skipped, saying why, where their variables are unset outside
//! CI), the API answering `429`, then `402`, then recovering, one gate
//! (budget and backoff) for the checks and the feed, and a late `success`
//! confirming the number the platform's record lists.

use parity_tests::reconcile;
use parity_tests::replicas::Shared;

const BINARY: &str = env!("CARGO_BIN_EXE_example-actix-plugins");

/// A SQLite file of the test's own.
fn sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("reconcile.db").display());
    (dir, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_follow_the_record() {
    let (_dir, url) = sqlite();
    reconcile::numbers_follow_the_record(BINARY, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_then_recovery() {
    let (_dir, url) = sqlite();
    reconcile::refusals_then_recovery(BINARY, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gate_for_the_checks_and_the_feed() {
    let (_dir, url) = sqlite();
    reconcile::one_gate_for_the_checks_and_the_feed(BINARY, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_success_confirms_the_recorded_number() {
    let (_dir, url) = sqlite();
    reconcile::a_late_success_confirms_the_recorded_number(BINARY, &url).await;
}

mod survives_sigkill {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        let (_dir, url) = sqlite();
        reconcile::survives_sigkill(BINARY, &url).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        let Some(store) = Shared::Postgres.isolate() else {
            return;
        };
        reconcile::survives_sigkill(BINARY, &store.store_url).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_redis() {
        let Some(store) = Shared::Redis.isolate() else {
            return;
        };
        reconcile::survives_sigkill(BINARY, &store.store_url).await;
    }
}
