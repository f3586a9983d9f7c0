//! `claimkit check` against the example servers, which must pass, and
//! against plugins broken on purpose, which must fail for the right reason.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Json, Router};
use claimkit_cli::check::{self, CallModel, Preset, Report, Target, Verdict};
use serde_json::{json, Value};

const SECRET: &str = "check-secret-0c9b8a7d6e5f";

mod common;

use parity_tests::serve::axum as serve;

async fn example() -> SocketAddr {
    common::axum_example(SECRET).await
}

async fn check(target: &Target) -> Report {
    // The check is blocking: run it off the runtime that serves the plugin.
    let target = target.clone();
    tokio::task::spawn_blocking(move || check::run(&target, |_| {}))
        .await
        .unwrap()
}

fn failure_reasons(report: &Report) -> Vec<String> {
    report
        .failures()
        .map(|o| match &o.verdict {
            Verdict::Fail(reason) => format!("{}: {reason}", o.name),
            _ => unreachable!(),
        })
        .collect()
}

#[tokio::test]
async fn both_example_servers_pass_every_check() {
    for (framework, address) in common::examples(SECRET).await {
        for (route, preset) in [
            ("stateless", Preset::Stateless),
            ("claim-token", Preset::ClaimToken),
            ("claim-number", Preset::ClaimNumber),
            ("status-hook", Preset::Stateless),
        ] {
            for method in ["GET", "POST", "PUT", "DELETE"] {
                let mut target =
                    Target::new(format!("http://{address}/plugins/{route}"), SECRET, preset);
                target.method = method.to_owned();
                target.status_hooks = true;
                let report = check(&target).await;
                assert!(
                    report.passed(),
                    "{framework} {route} {method}: {:?}",
                    failure_reasons(&report)
                );
                // Simulation, numeric version, three attempts, (maxUses),
                // three webhooks, two refusals, the CORS preflight.
                let expected = if preset == Preset::ClaimNumber {
                    12
                } else {
                    11
                };
                assert_eq!(report.outcomes.len(), expected);
                for outcome in &report.outcomes {
                    assert_eq!(outcome.verdict, Verdict::Pass, "{}", outcome.line());
                }
            }
        }
    }
}

/// A plugin that answers every call with `answer`, whatever it is sent.
fn broken(answer: fn(Value) -> (StatusCode, Value)) -> Router {
    Router::new().route(
        "/",
        any(move |body: axum::body::Bytes| async move {
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (status, json) = answer(body);
            (status, Json(json)).into_response()
        }),
    )
}

fn secret_ok(body: &Value) -> bool {
    body["pluginSecret"] == SECRET
}

async fn run_broken(answer: fn(Value) -> (StatusCode, Value), preset: Preset) -> Vec<String> {
    let address = serve(broken(answer)).await;
    let mut target = Target::new(format!("http://{address}/"), SECRET, preset);
    target.status_hooks = true;
    let report = check(&target).await;
    assert!(!report.passed());
    failure_reasons(&report)
}

fn refuse_or(body: &Value, ok: Value) -> (StatusCode, Value) {
    if secret_ok(body) {
        (StatusCode::OK, ok)
    } else {
        (StatusCode::UNAUTHORIZED, json!({"message": "bad secret"}))
    }
}

#[tokio::test]
async fn a_dotted_key_fails() {
    let reasons = run_broken(
        |b| refuse_or(&b, json!({"bob@abc.com": true})),
        Preset::Stateless,
    )
    .await;
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("\"bob@abc.com\" contains `.`")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn status_201_fails() {
    let reasons = run_broken(
        |b| {
            let (status, body) = refuse_or(&b, json!({}));
            (
                if status == StatusCode::OK {
                    StatusCode::CREATED
                } else {
                    status
                },
                body,
            )
        },
        Preset::Stateless,
    )
    .await;
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("success must be exactly 200, not 201")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_missing_token_fails() {
    let reasons = run_broken(|b| refuse_or(&b, json!({})), Preset::ClaimToken).await;
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("no claimToken in the answer")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn the_same_claim_number_for_two_attempts_fails() {
    let reasons = run_broken(
        |b| refuse_or(&b, json!({"claimNumber": 4})),
        Preset::ClaimNumber,
    )
    .await;
    assert_eq!(
        reasons,
        [
            "second attempt: two attempts got the same claim number",
            "maxUses bounds the claim number: claim number 4 is not below maxUses 1: the platform refuses it"
        ]
    );
}

#[tokio::test]
async fn a_negative_claim_number_fails() {
    let reasons = run_broken(
        |b| refuse_or(&b, json!({"claimNumber": -1})),
        Preset::ClaimNumber,
    )
    .await;
    assert!(
        reasons.iter().any(|r| r.contains("non-negative integer")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn accepting_a_wrong_secret_fails() {
    let reasons = run_broken(|_| (StatusCode::OK, json!({})), Preset::Stateless).await;
    assert_eq!(
        reasons,
        [
            "wrong secret is refused: answered 200: the plugin does not check its secret",
            "missing secret is refused: answered 200: the plugin does not check its secret",
        ]
    );
}

#[tokio::test]
async fn a_refusal_without_a_message_fails() {
    let reasons = run_broken(
        |b| {
            if secret_ok(&b) {
                (StatusCode::OK, json!({}))
            } else {
                (StatusCode::FORBIDDEN, json!({"error": "no"}))
            }
        },
        Preset::Stateless,
    )
    .await;
    assert!(
        reasons.iter().all(|r| r.contains("{\"message\": ...}")),
        "{reasons:?}"
    );
    assert_eq!(reasons.len(), 2);
}

#[tokio::test]
async fn echoing_the_secret_fails() {
    let reasons = run_broken(
        |b| refuse_or(&b, json!({"you sent": b["pluginSecret"]})),
        Preset::Stateless,
    )
    .await;
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("echoes the plugin secret")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_handler_slower_than_the_deadline_fails_and_a_slow_one_warns() {
    let app = Router::new()
        .route(
            "/slow",
            any(|| async {
                // A hundred times the deadline: no loaded machine's pause
                // lets the answer beat the client's timer.
                tokio::time::sleep(Duration::from_secs(30)).await;
                Json(json!({}))
            }),
        )
        .route(
            "/sluggish",
            any(|body: Json<Value>| async move {
                tokio::time::sleep(Duration::from_millis(150)).await;
                let (status, answer) = refuse_or(&body.0, json!({}));
                (status, Json(answer)).into_response()
            }),
        );
    let address = serve(app).await;
    let mut target = Target::new(format!("http://{address}/slow"), SECRET, Preset::Stateless);
    target.deadline = Duration::from_millis(300);
    let report = check(&target).await;
    let reasons = failure_reasons(&report);
    assert_eq!(reasons.len(), 8, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .all(|r| r.ends_with("no answer within 0.3 s")),
        "{reasons:?}"
    );

    let mut target = Target::new(
        format!("http://{address}/sluggish"),
        SECRET,
        Preset::Stateless,
    );
    target.slow = Duration::from_millis(100);
    let report = check(&target).await;
    assert!(report.passed(), "{:?}", failure_reasons(&report));
    // The route has no CORS answer: its preflight warns for that instead.
    assert!(report
        .outcomes
        .iter()
        .filter(|o| o.name != "CORS preflight from the portal")
        .all(|o| matches!(&o.verdict, Verdict::Warn(w) if w.starts_with("slow: "))));
}

#[tokio::test]
async fn an_unreachable_plugin_fails_with_the_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let target = Target::new(format!("http://{address}/"), SECRET, Preset::Stateless);
    let reasons = failure_reasons(&check(&target).await);
    assert!(
        reasons.iter().all(|r| r.contains("request failed")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn the_command_prints_one_line_per_check_and_exits_1_on_failure() {
    let good = example().await;
    let bad = serve(broken(|_| (StatusCode::OK, json!({})))).await;
    let run = |url: String, extra: &'static [&'static str]| {
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_claimkit"))
                .args([
                    "check",
                    &url,
                    "--secret",
                    SECRET,
                    "--preset",
                    "claim-number",
                ])
                .args(extra)
                .output()
                .unwrap()
        })
    };
    let out = run(
        format!("http://{good}/plugins/claim-number"),
        &["--status-hooks", "--method", "put"],
    )
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    // Every check passes.
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("  ok  ")).count(),
        12,
        "{stdout}"
    );
    assert!(stdout.contains("12 checks: "), "{stdout}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    assert!(!stdout.contains(SECRET));

    let out = run(format!("http://{bad}/"), &["--json"]).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(report["checks"].as_array().unwrap().len(), 9);
    // A simulation without the preset's field warns; a real call fails.
    assert_eq!(report["checks"][0]["verdict"], "warn");
    assert!(report["checks"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("no claimNumber in the answer"));
    assert_eq!(report["checks"][2]["name"], "executing attempt");
    assert_eq!(report["checks"][2]["verdict"], "fail");
    assert_eq!(
        report["checks"][2]["detail"],
        "no claimNumber in the answer"
    );

    let out = run("http://127.0.0.1:1/".to_owned(), &["--timeout=0"])
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: --timeout must be a positive number of seconds\n"
    );
}

/// The axum example on `store`, with its post-claim actions POSTed to
/// `sink` by a runner when `runner` is set.
async fn example_on(
    store: &claimkit_store::Store,
    sink: &str,
    runner: bool,
) -> (SocketAddr, Option<claimkit_tokio::RunnerHandle>) {
    let address = common::axum_example_on(SECRET, store).await;
    let handle = runner.then(|| {
        let action = example_axum_plugins::PostClaimAction::new(Some(format!("http://{sink}/")));
        claimkit_tokio::Runner::new(store.clone())
            .with_poll(Duration::from_millis(50))
            .start(move |due| {
                let action = action.clone();
                async move { action.run(due).await }
            })
    });
    (address, handle)
}

/// A loopback address nothing listens on now.
fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_action_sink_sees_the_actions_run_and_misses_a_forgotten_runner() {
    let store = claimkit_store::Store::memory();
    let sink = free_address();
    let (address, runner) = example_on(&store, &sink, true).await;
    let mut target = Target::new(
        format!("http://{address}/plugins/status-hook"),
        SECRET,
        Preset::Stateless,
    );
    target.status_hooks = true;
    target.action_sink = Some(sink.clone());
    let report = check(&target).await;
    assert!(report.passed(), "{:?}", failure_reasons(&report));
    let actions: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.name.starts_with("post-claim action"))
        .collect();
    assert_eq!(actions.len(), 2, "{:?}", report.outcomes);

    // Simulated webhooks act on nothing.
    target.simulated_hooks = true;
    target.action_wait = Duration::from_secs(2);
    let report = check(&target).await;
    assert!(report.passed(), "{:?}", failure_reasons(&report));
    runner.unwrap().shutdown(Duration::from_secs(1)).await;

    // No runner: the actions sit in the queue, and the check says so.
    let store = claimkit_store::Store::memory();
    let sink = free_address();
    let (address, _) = example_on(&store, &sink, false).await;
    let mut target = Target::new(
        format!("http://{address}/plugins/status-hook"),
        SECRET,
        Preset::Stateless,
    );
    target.status_hooks = true;
    target.action_sink = Some(sink);
    target.action_wait = Duration::from_secs(2);
    let reasons = failure_reasons(&check(&target).await);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("reached the sink within 2 s") && r.contains("runner")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_claim_id_keeps_the_run_to_a_throw_away_claim() {
    use claimkit::store::{ClaimNumbers, ClaimPool};
    let store = claimkit_store::Store::memory();
    let (address, _) = example_on(&store, &free_address(), false).await;
    let mut target = Target::new(
        format!("http://{address}/plugins/claim-number"),
        SECRET,
        Preset::ClaimNumber,
    );
    target.claim_id = Some("throw-away".to_owned());
    let report = check(&target).await;
    assert!(report.passed(), "{:?}", failure_reasons(&report));
    let pool = |claim_id| ClaimPool {
        claim_id,
        limit: None,
        hold: Duration::from_secs(60),
    };
    assert_eq!(
        store
            .preview(&pool(claimkit::testing::TEST_CLAIM_ID))
            .await
            .unwrap(),
        0,
        "the default claim was touched"
    );
    assert_eq!(
        store.preview(&pool("throw-away")).await.unwrap(),
        2,
        "the two attempts numbered in the claim given"
    );
}

#[tokio::test]
async fn both_example_servers_pass_the_replay_model() {
    for (framework, address) in common::examples(SECRET).await {
        for (route, preset, replay_checks) in [
            ("claim-token", Preset::ClaimToken, 2),
            ("claim-number", Preset::ClaimNumber, 4),
        ] {
            let mut target =
                Target::new(format!("http://{address}/plugins/{route}"), SECRET, preset);
            target.status_hooks = true;
            target.model = CallModel::Replay;
            let report = check(&target).await;
            assert!(
                report.passed(),
                "{framework} {route}: {:?}",
                failure_reasons(&report)
            );
            let replay: Vec<_> = report
                .outcomes
                .iter()
                .filter(|o| o.name.contains("replay") || o.name.contains("replayed"))
                .collect();
            assert_eq!(replay.len(), replay_checks, "{framework} {route}");
            for outcome in replay {
                assert_eq!(outcome.verdict, Verdict::Pass, "{}", outcome.line());
            }
        }
    }
}

/// A number plugin that previews the lowest free number without holding
/// it: every simulation gets 0, each attempt a number of its own.
fn previews_without_holding(body: Value) -> (StatusCode, Value) {
    if !secret_ok(&body) {
        return (StatusCode::UNAUTHORIZED, json!({"message": "bad secret"}));
    }
    let attempt = body["claimAttemptId"].as_str().unwrap_or("");
    match attempt.rsplit('-').next() {
        _ if attempt.is_empty() => (StatusCode::OK, json!({"claimNumber": 0})),
        Some("v") => (
            StatusCode::CONFLICT,
            json!({"message": "no claim numbers left"}),
        ),
        Some("b") => (StatusCode::OK, json!({"claimNumber": 1})),
        _ => (StatusCode::OK, json!({"claimNumber": 0})),
    }
}

#[tokio::test]
async fn simultaneous_simulations_sharing_a_number_fail_the_replay_model() {
    let address = serve(broken(previews_without_holding)).await;
    let mut target = Target::new(format!("http://{address}/"), SECRET, Preset::ClaimNumber);
    let classic = check(&target).await;
    assert!(classic.passed(), "{:?}", failure_reasons(&classic));
    target.model = CallModel::Replay;
    let reasons = failure_reasons(&check(&target).await);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with(
            "simultaneous simulations get distinct values (replay model): 8 simultaneous \
             simulations from different addresses got the numbers [0, 0, 0, 0, 0, 0, 0, 0]"
        ),
        "{reasons:?}"
    );
}
