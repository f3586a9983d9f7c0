//! What the example exports at `/metrics` (shared with the other example
//! server, in `parity_tests::metrics`).

use parity_tests::metrics;

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

#[tokio::test]
async fn calls_and_refusals_are_counted() {
    metrics::calls_and_refusals_are_counted(BINARY).await;
}

#[tokio::test]
async fn metrics_off_serves_no_metrics() {
    metrics::metrics_off_serves_no_metrics(BINARY).await;
}
