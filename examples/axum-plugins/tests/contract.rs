//! The example's contract, checked on the real binary (shared with the
//! other example server, in `parity_tests::contract`).

use parity_tests::{contract, durability};

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

#[test]
fn prints_a_curl_command_that_succeeds() {
    contract::prints_a_curl_command_that_succeeds(BINARY);
}

#[test]
fn a_start_that_cannot_work_fails_before_listening() {
    contract::a_start_that_cannot_work_fails_before_listening(BINARY);
}

#[test]
fn the_curl_command_reads_a_real_secret_from_the_shell() {
    contract::the_curl_command_reads_a_real_secret_from_the_shell(BINARY);
}

#[tokio::test]
async fn status_webhooks_run_the_post_claim_action_exactly_once() {
    contract::status_webhooks_run_the_post_claim_action_exactly_once(BINARY).await;
}

#[tokio::test]
async fn each_signed_delivery_is_processed_once() {
    contract::each_signed_delivery_is_processed_once(BINARY).await;
}

#[tokio::test]
async fn ed25519_deliveries_follow_the_listed_public_keys() {
    contract::ed25519_deliveries_follow_the_listed_public_keys(BINARY).await;
}

#[tokio::test]
async fn state_survives_sigkill() {
    durability::state_survives_sigkill(BINARY).await;
}

#[tokio::test]
async fn two_processes_share_one_file() {
    durability::two_processes_share_one_file(BINARY).await;
}

#[tokio::test]
async fn the_default_store_is_a_file_in_the_working_directory() {
    durability::the_default_store_is_a_file_in_the_working_directory(BINARY).await;
}
