//! Post-claim actions that are never lost, on this example's binary with a
//! real HTTP sink (from the status-hook route, and from the claim-number
//! route that queues one on `success`): on SQLite, and on the machine's
//! real PostgreSQL and Redis (each test in a schema or key prefix of its
//! own; skipped, saying why, where their variables are unset outside CI).

use parity_tests::actions;
use parity_tests::replicas::Shared;

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

/// A SQLite file of the test's own.
fn sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("actions.db").display());
    (dir, url)
}

macro_rules! on_every_store {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    let (_dir, url) = sqlite();
                    actions::$check(BINARY, &url).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    let Some(store) = Shared::Postgres.isolate() else {
                        return;
                    };
                    actions::$check(BINARY, &store.store_url).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_redis() {
                    let Some(store) = Shared::Redis.isolate() else {
                        return;
                    };
                    actions::$check(BINARY, &store.store_url).await;
                }
            }
        )*
    };
}

on_every_store!(
    retried_until_the_sink_accepts,
    survives_sigkill,
    two_replicas_act_once,
    simulations_send_nothing,
    gives_up_after_the_horizon,
    a_dead_action_retried_by_hand_is_delivered,
    a_graceful_stop_leaves_the_rest_to_the_next_start,
    claim_number_with_action,
);
