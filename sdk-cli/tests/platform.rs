//! `claimkit check --sign`, the portal's CORS preflight, simulations and
//! `maxUses`; `claimkit send --sign`.

use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Json, Router};
use claimkit::signature::SignatureMode;
use claimkit_cli::check::{self, Preset, Report, Target, Verdict};
use serde_json::{json, Value};

mod common;

const SECRET: &str = "check-platform-secret-51e0";

async fn check(target: &Target) -> Report {
    let target = target.clone();
    tokio::task::spawn_blocking(move || check::run(&target, |_| {}))
        .await
        .unwrap()
}

fn verdict<'r>(report: &'r Report, name: &str) -> &'r Verdict {
    &report
        .outcomes
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .verdict
}

#[tokio::test]
async fn signed_checks_pass_against_servers_that_require_signatures() {
    for (framework, address) in common::signed_examples(SECRET, SignatureMode::Require).await {
        for method in ["GET", "POST"] {
            let mut target = Target::new(
                format!("http://{address}/plugins/claim-token"),
                SECRET,
                Preset::ClaimToken,
            );
            target.method = method.to_owned();
            target.sign = true;
            let report = check(&target).await;
            assert!(report.passed(), "{framework} {method}: {report:?}");
            assert_eq!(
                verdict(&report, "badly signed call is refused"),
                &Verdict::Pass
            );
            assert_eq!(
                verdict(&report, "numeric version (2026 docs)"),
                &Verdict::Pass
            );
            // Unsigned, the same server refuses everything.
            target.sign = false;
            let report = check(&target).await;
            assert!(!report.passed(), "{framework}: unsigned calls pass");
        }
    }
}

#[tokio::test]
async fn a_server_that_ignores_signatures_gets_a_warning() {
    for (framework, address) in common::signed_examples(SECRET, SignatureMode::Off).await {
        let mut target = Target::new(
            format!("http://{address}/plugins/stateless"),
            SECRET,
            Preset::Stateless,
        );
        target.sign = true;
        let report = check(&target).await;
        assert!(report.passed(), "{framework}");
        assert!(matches!(
            verdict(&report, "badly signed call is refused"),
            Verdict::Warn(w) if w.contains("does not verify")
        ));
        assert_eq!(
            verdict(&report, "CORS preflight from the portal"),
            &Verdict::Pass
        );
    }
}

/// A plugin with no CORS, answering `answer` to simulations and a fixed
/// claim number to real calls.
fn plugin(simulation: fn() -> Value) -> Router {
    Router::new().route(
        "/",
        any(move |body: axum::body::Bytes| async move {
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if body["pluginSecret"] != SECRET {
                return (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"message": "bad secret"})),
                )
                    .into_response();
            }
            if body["_isSimulation"] == true {
                return Json(simulation()).into_response();
            }
            let attempt = body["claimAttemptId"].as_str().unwrap_or_default();
            let number = if body["maxUses"] == 1 {
                3
            } else {
                attempt.len()
            };
            Json(json!({"claimNumber": number})).into_response()
        }),
    )
}

async fn serve(router: Router) -> SocketAddr {
    parity_tests::serve::axum(router).await
}

#[tokio::test]
async fn simulations_without_the_preset_field_warn_and_numbers_past_max_uses_fail() {
    let address = serve(plugin(|| json!({}))).await;
    let target = Target::new(format!("http://{address}/"), SECRET, Preset::ClaimNumber);
    let report = check(&target).await;
    for name in ["simulation", "numeric version (2026 docs)"] {
        assert!(
            matches!(verdict(&report, name), Verdict::Warn(w)
                if w.starts_with("no claimNumber in the answer")
                    && w.contains("a simulation may be the only call")),
            "{name}: {:?}",
            verdict(&report, name)
        );
    }
    assert!(matches!(
        verdict(&report, "maxUses bounds the claim number"),
        Verdict::Fail(w) if w.contains("claim number 3 is not below maxUses 1")
    ));
    // No CORS answer: the portal's test button cannot reach it.
    assert!(matches!(
        verdict(&report, "CORS preflight from the portal"),
        Verdict::Warn(w) if w.contains("https://bitbadges.io is not allowed")
    ));

    // A simulation with the number passes.
    let address = serve(plugin(|| json!({"claimNumber": 0}))).await;
    let target = Target::new(format!("http://{address}/"), SECRET, Preset::ClaimNumber);
    let report = check(&target).await;
    assert_eq!(verdict(&report, "simulation"), &Verdict::Pass);
    // A malformed simulation answer still fails.
    let address = serve(plugin(|| json!({"claimNumber": "0"}))).await;
    let target = Target::new(format!("http://{address}/"), SECRET, Preset::ClaimNumber);
    let report = check(&target).await;
    assert!(matches!(verdict(&report, "simulation"), Verdict::Fail(_)));
}

#[tokio::test]
async fn the_command_signs_checks_and_sends() {
    let [(_, address), _] = common::signed_examples(SECRET, SignatureMode::Require).await;
    let url = format!("http://{address}/plugins/stateless");
    let run = move |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_claimkit"))
                .args(args)
                .output()
                .unwrap()
        })
    };
    let args = |extra: &[&str]| {
        let mut args: Vec<String> = ["check", &url, "--secret", SECRET, "--preset", "stateless"]
            .iter()
            .map(|a| (*a).to_owned())
            .collect();
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let out = run(args(&["--sign"])).await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("badly signed call is refused"), "{stdout}");
    assert!(!stdout.contains(SECRET));
    let out = run(args(&[])).await.unwrap();
    assert_eq!(out.status.code(), Some(1));

    // `send --sign` signs a plugin request with the plugin secret.
    let dir = std::env::temp_dir().join(format!("claimkit-send-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("call.json");
    std::fs::write(
        &body,
        json!({"pluginSecret": SECRET, "claimAttemptId": "a1", "version": 0}).to_string(),
    )
    .unwrap();
    let send = |sign: bool| {
        let mut args = vec![
            "send".to_owned(),
            url.clone(),
            "--secret".to_owned(),
            SECRET.to_owned(),
            "--data".to_owned(),
            body.display().to_string(),
        ];
        if sign {
            args.push("--sign".to_owned());
        } else {
            args.extend(["--scheme".to_owned(), "github".to_owned()]);
        }
        run(args)
    };
    let out = send(true).await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.starts_with("200 "), "{stdout}");
    let out = send(false).await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("401 "), "{stdout}");
    assert!(!stdout.contains(SECRET));
    std::fs::remove_dir_all(&dir).unwrap();
}
