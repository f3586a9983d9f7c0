//! The battery of `claimkit check`: the calls the platform makes, in order,
//! each answer checked.

use claimkit::testing::PluginCall;
use claimkit::Version;
use serde_json::Value;

use super::answer::{
    common, exchange, outcome, preset_value, refusal_check, success_check, webhook_check, Issued,
    NO_NUMBER, NO_TOKEN,
};
use super::replay;
use super::report::{Outcome, Report, Verdict};
use super::sink::ActionSink;
use super::target::{CallModel, Preset, Target};
use crate::client::{preflight, send_signed_call};

/// Runs the battery against `target`, calling `progress` as each check ends.
pub fn run(target: &Target, mut progress: impl FnMut(&Outcome)) -> Report {
    let client = &crate::client::client(target.deadline);
    let mut report = Report::default();
    let mut record = |outcome: Outcome, report: &mut Report| {
        progress(&outcome);
        report.outcomes.push(outcome);
    };

    let first = target.attempt("a");
    let second = target.attempt("b");

    let outcome = simulation_check(client, target, "simulation", PluginCall::simulation());
    record(outcome, &mut report);

    let numeric = PluginCall::simulation().with_context(|c| c.version = Some(Version::number(0)));
    let outcome = simulation_check(client, target, "numeric version (2026 docs)", numeric);
    record(outcome, &mut report);

    let (outcome, value_a) = success_check(
        client,
        target,
        "executing attempt",
        PluginCall::executing(&first),
    );

    record(outcome, &mut report);

    let (mut outcome, retried) = success_check(
        client,
        target,
        "retried attempt",
        PluginCall::executing(&first),
    );

    if let (Some(a), Some(again)) = (&value_a, &retried) {
        if outcome.verdict == Verdict::Pass && a != again {
            outcome.verdict = Verdict::Fail(match target.preset {
                Preset::ClaimToken => "a retried attempt got a different token".to_owned(),
                _ => "a retried attempt got a different claim number".to_owned(),
            });
        }
    }
    record(outcome, &mut report);

    let (mut outcome, value_b) = success_check(
        client,
        target,
        "second attempt",
        PluginCall::executing(&second),
    );

    if let (Some(a), Some(b)) = (&value_a, &value_b) {
        if outcome.verdict == Verdict::Pass && a == b && *a != Issued::Nothing {
            outcome.verdict = Verdict::Fail(match target.preset {
                Preset::ClaimToken => "two attempts got the same token".to_owned(),
                _ => "two attempts got the same claim number".to_owned(),
            });
        }
    }
    record(outcome, &mut report);

    if target.preset == Preset::ClaimNumber {
        let outcome = max_uses_check(client, target);
        record(outcome, &mut report);
    }

    if target.status_hooks {
        // Listening before the webhooks: an action may run at once.
        let sink = target.action_sink.as_deref().map(ActionSink::listen);
        for (name, call) in [
            ("success webhook", PluginCall::success(&first)),
            ("retried success webhook", PluginCall::success(&first)),
            ("failure webhook", PluginCall::failure(&second)),
        ] {
            let call = call.with_context(|c| c.simulation = Some(target.simulated_hooks));
            let (outcome, _) = webhook_check(client, target, name, call);
            record(outcome, &mut report);
        }
        match sink {
            None => {}
            Some(Err(reason)) => record(
                Outcome {
                    name: "post-claim actions".to_owned(),
                    verdict: Verdict::Fail(reason),
                    status: None,
                    latency: None,
                },
                &mut report,
            ),
            Some(Ok(sink)) => {
                for outcome in action_checks(&sink, target, &first, &second) {
                    record(outcome, &mut report);
                }
            }
        }
    }

    if target.model == CallModel::Replay {
        for outcome in replay::checks(client, target) {
            record(outcome, &mut report);
        }
    }

    for (name, call) in [
        (
            "wrong secret is refused",
            PluginCall::executing(&target.attempt("w")).with_secret("claimkit-check-wrong-secret"),
        ),
        (
            "missing secret is refused",
            PluginCall::executing(&target.attempt("m")),
        ),
    ] {
        let outcome = refusal_check(client, target, name, target.about(call));
        record(outcome, &mut report);
    }

    if target.sign {
        let outcome = bad_signature_check(client, target);
        record(outcome, &mut report);
    }

    let outcome = cors_check(client, target);
    record(outcome, &mut report);
    report
}

/// Whether the post-claim actions of the status webhooks reached the sink,
/// keyed `<claimAttemptId>:<status>`: both did, or, for simulated
/// webhooks, neither.
fn action_checks(sink: &ActionSink, target: &Target, first: &str, second: &str) -> Vec<Outcome> {
    let started = std::time::Instant::now();
    let keys = [format!("{first}:success"), format!("{second}:failure")];
    let names = [
        "post-claim action after success",
        "post-claim action after failure",
    ];
    keys.iter()
        .zip(names)
        .map(|(key, name)| {
            let left = target.action_wait.saturating_sub(started.elapsed());
            let arrived = sink.wait_for(key, left);
            let waited = target.action_wait.as_secs_f64();
            let verdict = match (arrived, target.simulated_hooks) {
                (true, false) | (false, true) => Verdict::Pass,
                (false, false) => Verdict::Fail(format!(
                    "no action keyed {key} reached the sink within {waited:.0} s: does the \
                     plugin's action URL point at it, and is a runner started \
                     (`Runner::new(store).start(..)`)?"
                )),
                (true, true) => Verdict::Fail(format!(
                    "a simulated status webhook ran its action {key}: a simulation must not act"
                )),
            };
            Outcome {
                name: name.to_owned(),
                verdict,
                status: None,
                latency: arrived.then(|| started.elapsed()),
            }
        })
        .collect()
}

/// The claim's `maxUses` in the maximum-uses check.
const MAX_USES: u64 = 1;

/// A simulation: the preset's body is expected, since the execution step
/// may replay the simulation's answer (2026 docs, unconfirmed); answering
/// without it is a warning.
fn simulation_check(
    client: &ureq::Agent,
    target: &Target,
    name: &str,
    call: PluginCall,
) -> Outcome {
    let (mut outcome, _) = success_check(client, target, name, call);
    if let Verdict::Fail(reason) = &outcome.verdict {
        if reason == NO_TOKEN || reason == NO_NUMBER {
            outcome.verdict = Verdict::Warn(format!(
                "{reason}: a simulation may be the only call, answer what the real call would"
            ));
        }
    }
    outcome
}

/// Two attempts on a claim of its own, with `maxUses: 1`: the first gets a
/// number below it, and the second no number at all (a refusal with
/// `{"message"}`), for the platform refuses a number at or above `maxUses`.
fn max_uses_check(client: &ureq::Agent, target: &Target) -> Outcome {
    let name = "maxUses bounds the claim number";
    let claim = format!("check-{}-claim", target.run_id);
    let attempt = |id: &str| {
        PluginCall::executing(&target.attempt(id))
            .with_claim_id(&claim)
            .with_context(|c| c.max_uses = Some(MAX_USES))
    };
    let (mut outcome, issued) = success_check(client, target, name, attempt("u"));
    if let Some(Issued::Number(number)) = issued {
        if number >= MAX_USES && outcome.verdict == Verdict::Pass {
            outcome.verdict = Verdict::Fail(format!(
                "claim number {number} is not below maxUses {MAX_USES}: the platform refuses it"
            ));
        }
    }
    if outcome.verdict != Verdict::Pass {
        return outcome;
    }
    let exchange = match exchange(client, target, name, &target.call(attempt("v"))) {
        Ok(exchange) => exchange,
        Err(outcome) => return outcome,
    };
    let verdict = match preset_value(target.preset, &exchange.body) {
        Ok(Issued::Number(number)) if exchange.status == 200 => Verdict::Fail(format!(
            "a second attempt got claim number {number} on a claim with maxUses {MAX_USES}: \
             with every number taken, refuse it with {{\"message\"}}"
        )),
        _ if (200..300).contains(&exchange.status) => Verdict::Fail(format!(
            "a second attempt on a claim with maxUses {MAX_USES} answered {}",
            exchange.status
        )),
        _ => match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(body) if body.get("message").is_some_and(Value::is_string) => Verdict::Pass,
            _ => Verdict::Fail("a refusal must carry a JSON body {\"message\": ...}".to_owned()),
        },
    };
    self::outcome(name, &exchange, verdict)
}

/// A call whose signature was made with another key, the body's secret
/// right: a plugin that verifies signatures refuses it.
fn bad_signature_check(client: &ureq::Agent, target: &Target) -> Outcome {
    let name = "badly signed call is refused";
    let call = target.call(PluginCall::simulation());
    let exchange = match send_signed_call(
        client,
        &target.url,
        &target.method,
        &call,
        Some("claimkit-check-wrong-signing-key"),
    ) {
        Ok(exchange) => exchange,
        Err(failure) => {
            return Outcome {
                name: name.to_owned(),
                verdict: Verdict::Fail(failure.to_string()),
                status: None,
                latency: None,
            }
        }
    };
    let verdict = match common(target, &exchange) {
        Verdict::Fail(reason) => Verdict::Fail(reason),
        _ if exchange.status == 200 => Verdict::Warn(
            "answered 200: the plugin does not verify X-BitBadges-Signature".to_owned(),
        ),
        _ if exchange.status != 401 => Verdict::Fail(format!(
            "a bad signature must be refused with 401, not {}",
            exchange.status
        )),
        other => other,
    };
    outcome(name, &exchange, verdict)
}

/// The developer portal's "Send Test Request" runs in the browser: without
/// a CORS answer for its origin, it cannot reach the plugin (live claims
/// can, so this is a warning).
fn cors_check(client: &ureq::Agent, target: &Target) -> Outcome {
    let name = "CORS preflight from the portal";
    let answer = match preflight(client, &target.url, &target.origin, &target.method) {
        Ok(answer) => answer,
        Err(failure) => {
            return Outcome {
                name: name.to_owned(),
                verdict: Verdict::Fail(failure.to_string()),
                status: None,
                latency: None,
            }
        }
    };
    let lists = |list: &Option<String>, item: &str| {
        list.as_deref().is_some_and(|list| {
            list.split(',')
                .any(|entry| entry.trim().eq_ignore_ascii_case(item) || entry.trim() == "*")
        })
    };
    let origin_ok = answer
        .allow_origin
        .as_deref()
        .is_some_and(|origin| origin == target.origin || origin == "*");
    let verdict = if !(200..300).contains(&answer.status) || !origin_ok {
        Verdict::Warn(format!(
            "{} is not allowed: the portal's Send Test Request cannot reach the plugin",
            target.origin
        ))
    } else if !lists(&answer.allow_methods, &target.method) {
        Verdict::Warn(format!("the preflight does not allow {}", target.method))
    } else if let Some(missing) = claimkit::CORS_ALLOWED_HEADERS
        .iter()
        .find(|name| !lists(&answer.allow_headers, name))
    {
        Verdict::Warn(format!("the preflight does not allow the header {missing}"))
    } else {
        Verdict::Pass
    };
    Outcome {
        name: name.to_owned(),
        verdict,
        status: Some(answer.status),
        latency: Some(answer.latency),
    }
}
