//! Reconciliation on the real example binaries, with a mock of the
//! BitBadges API on loopback ([`MockApi`]) and a real HTTP sink for the
//! post-claim actions: a claim without status webhooks whose numbers follow
//! the platform's record, a `SIGKILL` while checks wait, the API
//! answering `429`, then `402`, then recovering, one gate for the checks
//! and the feed, and a late `success` confirming the number the record
//! lists. Each example's `tests/reconcile.rs` runs these against its own
//! binary.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::actions::Sink;
use crate::bitbadges::{MockApi, API_KEY};
use crate::contract::Server;

/// The plugin secret of every server these checks start.
const SECRET: &str = "reconcile-secret-2b9e61f4";
/// The claim-number route that queues its action on `success`.
const NUMBER_WITH_ACTION: &str = "/plugins/claim-number-with-action";
/// The status-hook route, which acts on either outcome.
const STATUS_HOOK: &str = "/plugins/status-hook";

/// Starts `binary` on `store_url`, reconciling with `api`, its actions sent
/// to `sink`, with `extra` settings.
fn start(
    binary: &str,
    store_url: &str,
    api: &MockApi,
    sink: &Sink,
    extra: &[(&str, &str)],
) -> Server {
    let (api_url, action_url) = (api.url(), sink.url());
    let mut env = vec![
        ("PLUGIN_SECRET", SECRET),
        ("STORE_URL", store_url),
        ("ACTION_URL", action_url.as_str()),
        ("BITBADGES_API_KEY", API_KEY),
        ("BITBADGES_API_URL", api_url.as_str()),
        ("RECONCILE_FIRST_CHECK", "1"),
    ];
    env.extend_from_slice(extra);
    let server = Server::start(binary, &env);
    server.wait_for("reconciliation: on");
    server
}

/// Calls `route` at `executing` (never a status webhook) for `attempt` of
/// `claim`; the status and JSON body of the answer.
async fn executing(server: &Server, route: &str, claim: &str, attempt: &str) -> (u16, Value) {
    call(server, route, claim, attempt, "executing").await
}

async fn call(
    server: &Server,
    route: &str,
    claim: &str,
    attempt: &str,
    status: &str,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{route}", server.base_url()))
        .header("content-type", "application/json")
        .body(
            json!({
                "pluginSecret": SECRET,
                "claimId": claim,
                "claimAttemptId": attempt,
                "_attemptStatus": status,
                "_isSimulation": false,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let code = response.status().as_u16();
    let body = response.text().await.unwrap();
    (
        code,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn number(answer: &(u16, Value)) -> u64 {
    assert_eq!(answer.0, 200, "{answer:?}");
    answer.1["claimNumber"].as_u64().expect("a claim number")
}

/// The keys of the actions the sink accepted, each as often as accepted.
fn accepted_keys(sink: &Sink) -> Vec<String> {
    let mut keys: Vec<String> = sink
        .received()
        .into_iter()
        .filter(|r| r.accepted)
        .filter_map(|r| r.key)
        .collect();
    keys.sort();
    keys
}

/// A claim whose plugin gets no status webhooks: three attempts succeed and
/// three fail at the platform. Each success's action runs once, for the
/// outcome the API reports; a late webhook adds nothing; after the hold
/// has lapsed no successful number is handed out again, and the failed
/// attempts' numbers are reused; one listing answers for many attempts.
pub async fn numbers_follow_the_record(binary: &str, store_url: &str) {
    const HOLD_S: u64 = 12;
    let api = MockApi::start(4);
    let sink = Sink::start(0);
    let hold = HOLD_S.to_string();
    let server = start(
        binary,
        store_url,
        &api,
        &sink,
        &[("CLAIM_NUMBER_HOLD", &hold)],
    );
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was printed");
    let claim = "claim-reconciled";
    let reserved_at = Instant::now();
    let mut numbers = Vec::new();
    for n in 0..6 {
        let attempt = format!("rec-a{n}");
        numbers.push(number(
            &executing(&server, NUMBER_WITH_ACTION, claim, &attempt).await,
        ));
    }
    assert_eq!(numbers, [0, 1, 2, 3, 4, 5]);
    for n in 0..6u64 {
        api.settle(
            claim,
            &format!("rec-a{n}"),
            n % 2 == 0,
            (n % 2 == 0).then_some(n),
        );
    }
    let expected: Vec<String> = ["rec-a0:success", "rec-a2:success", "rec-a4:success"]
        .map(str::to_owned)
        .to_vec();
    sink.wait_until(
        "the three successes' actions",
        Duration::from_secs(60),
        |r| r.iter().filter(|r| r.accepted).count() >= 3,
    )
    .await;
    assert_eq!(accepted_keys(&sink), expected);
    // A late status webhook adds nothing.
    let late = call(&server, NUMBER_WITH_ACTION, claim, "rec-a0", "success").await;
    assert_eq!(late, (200, json!({})));
    // The hold lapses; failed numbers are free, successful ones are not.
    let lapsed = reserved_at + Duration::from_secs(HOLD_S + 2);
    tokio::time::sleep(lapsed.saturating_duration_since(Instant::now())).await;
    // By now every one of the six was settled: what they cost.
    let calls = api.calls();
    let mut reused = BTreeSet::new();
    for n in 0..4 {
        let attempt = format!("rec-b{n}");
        reused.insert(number(
            &executing(&server, NUMBER_WITH_ACTION, claim, &attempt).await,
        ));
    }
    assert_eq!(
        reused,
        BTreeSet::from([1, 3, 5, 6]),
        "after the hold, new attempts got a successful attempt's number, or not the failed ones'"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(accepted_keys(&sink), expected, "an action ran twice");
    assert_eq!(calls.wrong_key, 0);
    assert!(
        calls.total() <= 6,
        "six attempts of one claim cost {calls:?}: more than one call each"
    );
    assert!(calls.list >= 1, "the claim was never listed: {calls:?}");
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was logged");
}

/// Checks wait in the store when the plugin is killed with `SIGKILL`;
/// started again on the same store, it checks every one of them, and each
/// attempt's action runs once, for the outcome the API reports.
pub async fn survives_sigkill(binary: &str, store_url: &str) {
    let api = MockApi::start(10);
    let sink = Sink::start(0);
    let server = start(binary, store_url, &api, &sink, &[]);
    let claim = "claim-killed";
    for n in 0..4 {
        let answer = executing(&server, STATUS_HOOK, claim, &format!("kill-a{n}")).await;
        assert_eq!(answer, (200, json!({})));
    }
    // The platform does not know them yet: the checks ask, and wait.
    api.wait_until("a check", Duration::from_secs(30), |c| {
        c.status + c.list >= 1
    })
    .await;
    server.kill();
    for n in 0..4u64 {
        api.settle(claim, &format!("kill-a{n}"), n < 2, None);
    }
    let before = api.calls();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(api.calls(), before, "a killed plugin called the API");
    let restarted = start(binary, store_url, &api, &sink, &[]);
    sink.wait_until("the four actions", Duration::from_secs(90), |r| {
        r.iter().filter(|r| r.accepted).count() >= 4
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        accepted_keys(&sink),
        [
            "kill-a0:success",
            "kill-a1:success",
            "kill-a2:failure",
            "kill-a3:failure"
        ]
    );
    drop(restarted);
}

/// The API answers `429` (with `Retry-After`), then `402` (credits spent),
/// then recovers: while it refuses, few calls are made and no attempt is
/// taken for failed; the `402` is logged once; once the API answers again
/// the checks resume by themselves and every action runs.
pub async fn refusals_then_recovery(binary: &str, store_url: &str) {
    let api = MockApi::start(10);
    let sink = Sink::start(0);
    api.refuse(429, Some(2));
    let server = start(binary, store_url, &api, &sink, &[]);
    let claim = "claim-refused";
    for n in 0..3 {
        let answer = executing(&server, STATUS_HOOK, claim, &format!("ref-a{n}")).await;
        assert_eq!(answer, (200, json!({})));
    }
    for n in 0..3u64 {
        api.settle(claim, &format!("ref-a{n}"), n != 1, None);
    }
    api.wait_until("a refused call", Duration::from_secs(30), |c| {
        c.refused >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let throttled = api.calls().refused;
    api.refuse(402, None);
    api.wait_until("a call refused for credits", Duration::from_secs(60), |c| {
        c.refused > throttled
    })
    .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let refused = api.calls();
    assert!(
        refused.refused <= 8,
        "the plugin kept calling an API that refused it: {refused:?}"
    );
    assert!(
        sink.received().is_empty(),
        "an action ran without an outcome"
    );
    api.answer_again();
    let recovered = Instant::now();
    sink.wait_until("the three actions", Duration::from_secs(150), |r| {
        r.iter().filter(|r| r.accepted).count() >= 3
    })
    .await;
    let waited = recovered.elapsed();
    assert_eq!(
        accepted_keys(&sink),
        ["ref-a0:success", "ref-a1:failure", "ref-a2:success"]
    );
    // The checks resume within about two minutes of the API answering
    // again (the gate's longest backoff), with nobody restarting anything.
    assert!(waited < Duration::from_secs(150), "{waited:?}");
    assert_eq!(
        server.lines_with(&["credits are spent"]),
        1,
        "the spent credits were not logged once"
    );
    server.wait_for("calls resume");
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was logged");
}

/// The checks and the feed call the API through one gate: the API answers
/// the feed's first listing `429` with `Retry-After`, and until that wait
/// has passed neither the feed (listing every second) nor the check of an
/// attempt answered meanwhile (due a second after its answer) makes a
/// call. Once it has, both go on, and both actions run.
pub async fn one_gate_for_the_checks_and_the_feed(binary: &str, store_url: &str) {
    /// The wait the API asks for.
    const WAIT_S: u64 = 10;
    let api = MockApi::start(10);
    let sink = Sink::start(0);
    let watched = "claim-watched-gate";
    api.settle(watched, "gate-w0", true, None);
    let wait = WAIT_S.to_string();
    api.refuse(429, Some(WAIT_S));
    let server = start(
        binary,
        store_url,
        &api,
        &sink,
        &[("WATCH_CLAIMS", watched), ("FEED_INTERVAL", "1")],
    );
    // The feed's first round lists at once, before the server listens.
    api.wait_until("the feed's first listing", Duration::from_secs(30), |c| {
        c.refused >= 1
    })
    .await;
    let refused_at = Instant::now();
    server.wait_for("listening on");
    let claim = "claim-checked-gate";
    let answer = executing(&server, STATUS_HOOK, claim, "gate-a0").await;
    assert_eq!(answer, (200, json!({})));
    api.settle(claim, "gate-a0", true, None);
    // The check was due a second after the answer, the feed's next round
    // a second after the first: neither calls before the wait is over.
    tokio::time::sleep(
        (refused_at + Duration::from_secs(WAIT_S - 3)).saturating_duration_since(Instant::now()),
    )
    .await;
    let held = api.calls();
    assert_eq!(
        held.total(),
        1,
        "a call went out during the {wait} s the API asked to wait: {held:?}"
    );
    api.answer_again();
    sink.wait_until(
        "the feed's and the check's actions",
        Duration::from_secs(60),
        |r| r.iter().filter(|r| r.accepted).count() >= 2,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(accepted_keys(&sink), ["gate-a0:success", "gate-w0:success"]);
    let calls = api.calls();
    assert!(calls.status + calls.list >= 2, "{calls:?}");
    assert_eq!(calls.wrong_key, 0);
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was logged");
}

/// A `success` webhook for an attempt that holds no number here (the
/// plugin never saw it at `executing`, or its hold lapsed) reads the
/// number the platform assigned from its record, through the same gate,
/// and confirms it: the next attempt gets the number after it.
pub async fn a_late_success_confirms_the_recorded_number(binary: &str, store_url: &str) {
    let api = MockApi::start(10);
    let sink = Sink::start(0);
    let server = start(binary, store_url, &api, &sink, &[]);
    server.wait_for("listening on");
    let claim = "claim-late-success";
    api.settle(claim, "late-a0", true, Some(0));
    let webhook = call(&server, NUMBER_WITH_ACTION, claim, "late-a0", "success").await;
    assert_eq!(webhook, (200, json!({})));
    assert!(
        api.calls().list >= 1,
        "the record was not read: {:?}",
        api.calls()
    );
    let next = executing(&server, NUMBER_WITH_ACTION, claim, "late-a1").await;
    assert_eq!(
        number(&next),
        1,
        "the number the platform assigned to the late success was handed out again"
    );
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was logged");
}
