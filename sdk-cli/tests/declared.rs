//! `claimkit check --config`: the example servers pass against the configs
//! their plugins declare; a plugin that rejects its schema's inputs, answers
//! another preset, or is registered without a flag it relies on fails, for
//! the right reason.

use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::routing::any;
use axum::{Json, Router};
use claimkit::registration::PluginVersionConfig;
use claimkit_cli::check::{declared, Outcome, Preset, Report, Target, Verdict};
use serde_json::{json, Value};

mod common;

const SECRET: &str = "check-declared-secret-4d1f";
const PUBLIC_URL: &str = "https://plugins.example.org";

fn config(name: &str) -> PluginVersionConfig {
    example_axum_plugins::registration::version_config(name, PUBLIC_URL).unwrap()
}

async fn check(url: String, config: PluginVersionConfig, post_claim_work: bool) -> Report {
    tokio::task::spawn_blocking(move || {
        // The preset given here is replaced by the config's.
        let target = Target::new(url, SECRET, Preset::Stateless);
        declared::run(&target, &config, post_claim_work, |_| {})
    })
    .await
    .unwrap()
}

fn find<'r>(report: &'r Report, name: &str) -> &'r Outcome {
    report
        .outcomes
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no check {name}: {report:?}"))
}

fn failures(report: &Report) -> Vec<String> {
    report
        .failures()
        .map(|o| format!("{}: {:?}", o.name, o.verdict))
        .collect()
}

#[tokio::test]
async fn both_example_servers_pass_against_their_declared_configs() {
    for (framework, address) in common::examples(SECRET).await {
        for name in example_axum_plugins::registration::plugins().names() {
            let url = format!("http://{address}/plugins/{name}");
            let report = check(
                url,
                config(name),
                matches!(name, "status-hook" | "claim-number-with-action"),
            )
            .await;
            assert!(
                report.passed(),
                "{framework} {name}: {:?}",
                failures(&report)
            );
            for check in [
                "config: flags the plugin relies on",
                "config: a call built from the schema",
            ] {
                assert_eq!(
                    find(&report, check).verdict,
                    Verdict::Pass,
                    "{framework} {name}"
                );
            }
        }
        let url = format!("http://{address}/plugins/access-code");
        let report = check(url, config("access-code"), false).await;
        for key in ["code", "acceptedCodes"] {
            let outcome = find(&report, &format!("config: without required `{key}`"));
            assert_eq!(outcome.verdict, Verdict::Pass, "{framework}");
            assert_eq!(outcome.status, Some(400), "{framework}");
        }
        // The config's preset drives the battery: a claim number is checked.
        let url = format!("http://{address}/plugins/claim-number");
        let report = check(url, config("claim-number"), false).await;
        find(&report, "maxUses bounds the claim number");
    }
}

/// A plugin on loopback that answers every call with `answer(body)`.
async fn plugin(answer: fn(&Value) -> (StatusCode, Value)) -> SocketAddr {
    let app = Router::new().fallback(any(move |body: String| async move {
        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        if body["pluginSecret"] != SECRET {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "bad secret"})),
            );
        }
        let (status, answer) = answer(&body);
        (status, Json(answer))
    }));
    parity_tests::serve::axum(app).await
}

#[tokio::test]
async fn a_plugin_that_names_an_input_otherwise_fails() {
    // It expects `accepted_codes`, where the config says `acceptedCodes`.
    let address = plugin(|body| match body.get("accepted_codes") {
        Some(_) => (StatusCode::OK, json!({})),
        None => (
            StatusCode::BAD_REQUEST,
            json!({"message": "invalid request: missing field `accepted_codes`"}),
        ),
    })
    .await;
    let report = check(format!("http://{address}/"), config("access-code"), false).await;
    let Verdict::Fail(reason) = &find(&report, "config: a call built from the schema").verdict
    else {
        panic!("{report:?}");
    };
    assert!(
        reason.contains("rejects the inputs its config describes"),
        "{reason}"
    );
    assert!(reason.contains("accepted_codes"), "{reason}");
}

#[tokio::test]
async fn a_plugin_answering_another_preset_fails() {
    let address = plugin(|_| (StatusCode::OK, json!({}))).await;
    let report = check(format!("http://{address}/"), config("claim-number"), false).await;
    let Verdict::Fail(reason) = &find(&report, "config: a call built from the schema").verdict
    else {
        panic!("{report:?}");
    };
    assert!(
        reason.contains("does not match the config's preset"),
        "{reason}"
    );
    assert!(reason.contains("claimNumber"), "{reason}");
}

#[tokio::test]
async fn a_missing_flag_fails_and_a_needless_required_input_warns() {
    let [(_, address), _] = common::examples(SECRET).await;
    let mut numbers = config("claim-number");
    numbers.ignore_simulations = None;
    numbers.verification_call.as_mut().unwrap().pass_address = None;
    let url = format!("http://{address}/plugins/claim-number");
    let report = check(url, numbers, false).await;
    let Verdict::Fail(reason) = &find(&report, "config: flags the plugin relies on").verdict else {
        panic!("{report:?}");
    };
    assert!(
        reason.contains("ignoreSimulations or verificationCall.passAddress"),
        "{reason}"
    );
    assert_eq!(failures(&report).len(), 1, "{:?}", failures(&report));

    let url = format!("http://{address}/plugins/stateless");
    let report = check(url.clone(), config("stateless"), true).await;
    let Verdict::Fail(reason) = &find(&report, "config: flags the plugin relies on").verdict else {
        panic!("{report:?}");
    };
    assert!(reason.contains("receiveStatusWebhook"), "{reason}");

    // The stateless plugin reads no inputs: a required one is needless.
    let mut needless = config("access-code");
    needless.state_function_preset = claimkit::registration::StateFunctionPreset::Stateless;
    let report = check(url, needless, false).await;
    assert!(report.passed(), "{:?}", failures(&report));
    let outcome = find(&report, "config: without required `code`");
    assert!(
        matches!(&outcome.verdict, Verdict::Warn(reason) if reason.contains("does without it")),
        "{outcome:?}"
    );
}
