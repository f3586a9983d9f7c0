//! The Grafana dashboard's queries against what this example's binary
//! exports on `/metrics` (see `parity_tests::dashboard`).

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_query_of_the_dashboard_is_exported() {
    parity_tests::dashboard::every_query_is_exported(BINARY).await;
}
