//! The example servers' state on a SQLite file, checked on the real
//! binaries: it survives `SIGKILL`, and two processes share one file. Each
//! example's `tests/contract.rs` runs these against its own binary.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::contract::Server;
use crate::{call, SECRET};

/// A `sqlite:` URL on a file in `dir`.
fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite:{}", dir.path().join("claimkit.db").display())
}

/// Posts `body` to `route` of the server at `base`.
async fn post(client: &reqwest::Client, base: &str, route: &str, body: Value) -> (u16, Value) {
    let response = client
        .post(format!("{base}{route}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|err| panic!("{route}: {err}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{text:?}: {err}"));
    (status, body)
}

/// The number an executing attempt gets.
async fn number(client: &reqwest::Client, base: &str, attempt: &str) -> u64 {
    let body = call(SECRET, attempt, "executing", false);
    let (status, body) = post(client, base, "/plugins/claim-number", body).await;
    assert_eq!(status, 200, "{attempt}: {body}");
    body["claimNumber"]
        .as_u64()
        .unwrap_or_else(|| panic!("{attempt}: {body}"))
}

/// The token an executing attempt gets.
async fn token(client: &reqwest::Client, base: &str, attempt: &str) -> String {
    let body = call(SECRET, attempt, "executing", false);
    let (status, body) = post(client, base, "/plugins/claim-token", body).await;
    assert_eq!(status, 200, "{attempt}: {body}");
    body["claimToken"].as_str().unwrap().to_owned()
}

/// Delivers a `success` status webhook for `attempt` until the server
/// says it is done: `200` to a redelivery, after any `409` while its
/// action ran.
async fn deliver_until_done(client: &reqwest::Client, base: &str, attempt: &str) {
    let webhook = call(SECRET, attempt, "success", false);
    let (status, body) = post(client, base, "/plugins/status-hook", webhook.clone()).await;
    assert_eq!((status, body), (200, json!({})));
    // Up to 30 s: a loaded machine may take seconds over one commit.
    for _ in 0..1500 {
        let (status, body) = post(client, base, "/plugins/status-hook", webhook.clone()).await;
        match status {
            200 => return assert_eq!(body, json!({})),
            409 => assert!(body["message"].is_string(), "{body}"),
            other => panic!("a redelivery got {other}: {body}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the status webhook of {attempt} never finished");
}

/// Killed with `SIGKILL` after a confirmed and a pending reservation, a
/// token and a handled status webhook, then started again on the same file:
/// no number is handed out again, the token is the same, and the webhook's
/// action does not run again.
pub async fn state_survives_sigkill(binary: &str) {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let env = [("PLUGIN_SECRET", SECRET), ("STORE_URL", url.as_str())];
    let client = reqwest::Client::new();

    let server = Server::start(binary, &env);
    let base = server.base_url();
    assert!(
        server.wait_for("store: sqlite:").ends_with(&url),
        "the store is named"
    );
    assert_eq!(number(&client, &base, "confirmed").await, 0);
    let confirm = call(SECRET, "confirmed", "success", false);
    let (status, _) = post(&client, &base, "/plugins/claim-number", confirm).await;
    assert_eq!(status, 200);
    assert_eq!(number(&client, &base, "pending").await, 1);
    let issued = token(&client, &base, "token-attempt").await;
    deliver_until_done(&client, &base, "hook-attempt").await;
    // The action runs from the queue after the answer; its `done` line is
    // logged once the store has recorded it.
    server.wait_for("key=hook-attempt:success attempt=1 outcome=done");
    assert_eq!(
        server.lines_with(&["side_effect", "claim_attempt_id=hook-attempt"]),
        1
    );
    server.kill();

    let server = Server::start(binary, &env);
    let base = server.base_url();
    assert_eq!(
        number(&client, &base, "after-restart").await,
        2,
        "a number confirmed or reserved before the crash was handed out again"
    );
    assert_eq!(number(&client, &base, "confirmed").await, 0);
    assert_eq!(number(&client, &base, "pending").await, 1);
    assert_eq!(token(&client, &base, "token-attempt").await, issued);
    let webhook = call(SECRET, "hook-attempt", "success", false);
    let (status, body) = post(&client, &base, "/plugins/status-hook", webhook).await;
    assert_eq!((status, body), (200, json!({})));
    // Give an action that should not run time to show.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.lines_with(&["side_effect", "hook-attempt"]),
        0,
        "the post-claim action ran again after the restart"
    );
}

/// Two processes started at once on one new file serve 200 concurrent
/// attempts on one claim: exactly `0..200`.
pub async fn two_processes_share_one_file(binary: &str) {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let env = [("PLUGIN_SECRET", SECRET), ("STORE_URL", url.as_str())];
    let servers = [Server::start(binary, &env), Server::start(binary, &env)];
    let bases: Vec<String> = servers.iter().map(Server::base_url).collect();
    for server in &servers {
        server.wait_for("store: sqlite:");
    }
    let client = reqwest::Client::new();
    let attempts: Vec<String> = (0..200).map(|i| format!("attempt-{i}")).collect();
    let numbers = join_all(
        attempts
            .iter()
            .enumerate()
            .map(|(i, attempt)| number(&client, &bases[i % 2], attempt)),
    )
    .await;
    let unique: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(
        unique.len(),
        200,
        "two attempts got one number: {numbers:?}"
    );
    assert_eq!(
        unique,
        (0..200).collect(),
        "not exactly 0..200: {numbers:?}"
    );
    // Each attempt keeps its number, asked at the other process.
    for (i, attempt) in attempts.iter().enumerate().take(20) {
        assert_eq!(
            number(&client, &bases[(i + 1) % 2], attempt).await,
            numbers[i]
        );
    }
}

/// With `STORE_URL` unset, the store is `claimkit.db` in the working
/// directory, named in the start-up lines.
pub async fn the_default_store_is_a_file_in_the_working_directory(binary: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Server::command(binary);
    command
        .env_remove("STORE_URL")
        .env("PLUGIN_SECRET", SECRET)
        .current_dir(dir.path());
    let server = Server::spawn(command);
    let base = server.base_url();
    assert_eq!(
        server.wait_for("store: sqlite:"),
        "store: sqlite:claimkit.db"
    );
    let client = reqwest::Client::new();
    assert_eq!(number(&client, &base, "a").await, 0);
    assert!(dir.path().join("claimkit.db").is_file());
}
