//! `claimkit check --config FILE`: the running plugin against the version
//! config declared for it. The battery runs with the config's preset,
//! method, status webhooks and inputs (built from its schemas); then the
//! config's own checks: the flags the plugin relies on, a call built from
//! the schemas accepted, and each required input refused when missing.

use claimkit::registration::{CallMethod, Need, PluginVersionConfig, StateFunctionPreset};
use claimkit::testing::PluginCall;
use serde_json::Value;

use super::answer::{common, exchange, message_of, outcome, preset_value};
use super::battery;
use super::report::{Outcome, Report, Verdict};
use super::target::{Preset, Target};

/// The check preset that answers for a config's preset: a custom handler
/// is checked on its status alone.
pub fn preset_of(config: &PluginVersionConfig) -> Preset {
    match config.state_function_preset {
        StateFunctionPreset::ClaimToken => Preset::ClaimToken,
        StateFunctionPreset::ClaimNumbers => Preset::ClaimNumber,
        _ => Preset::Stateless,
    }
}

/// `target` set up as `config` declares: its preset, its method, status
/// webhooks when it receives them, and every input with a value of its
/// type (an input the caller already gave keeps the caller's value).
pub fn apply(target: &mut Target, config: &PluginVersionConfig) {
    target.preset = preset_of(config);
    if let Some(call) = &config.verification_call {
        target.method = match call.method {
            CallMethod::Post => "POST",
            CallMethod::Get => "GET",
            CallMethod::Put => "PUT",
            CallMethod::Delete => "DELETE",
        }
        .to_owned();
    }
    target.status_hooks |= config.receive_status_webhook;
    for input in config.sample_inputs() {
        if !target.inputs.iter().any(|(key, _)| *key == input.key) {
            target.inputs.push((input.key, input.value));
        }
    }
}

/// The battery of [`run`](super::run) on `target` set up by [`apply`], then
/// the config's checks; `post_claim_work` says the handler also acts on
/// status webhooks.
pub fn run(
    target: &Target,
    config: &PluginVersionConfig,
    post_claim_work: bool,
    mut progress: impl FnMut(&Outcome),
) -> Report {
    let mut target = target.clone();
    apply(&mut target, config);
    let mut report = battery::run(&target, &mut progress);
    let mut record = |outcome: Outcome| {
        progress(&outcome);
        report.outcomes.push(outcome);
    };
    record(flags_check(config, post_claim_work));
    let client = &crate::client::client(target.deadline);
    record(schema_call_check(client, &target));
    let required = config
        .sample_inputs()
        .into_iter()
        .filter(|input| input.required);
    for input in required {
        record(missing_input_check(client, &target, &input.key));
    }
    report
}

/// The flags the preset and the handler rely on.
fn flags_check(config: &PluginVersionConfig, post_claim_work: bool) -> Outcome {
    let unmet = Need::unmet(
        &Need::of(config.state_function_preset, post_claim_work),
        config,
    );
    let verdict = if unmet.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(
            unmet
                .iter()
                .map(|need| format!("the config lacks {need}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    Outcome {
        name: "config: flags the plugin relies on".to_owned(),
        verdict,
        status: None,
        latency: None,
    }
}

/// An executing call carrying every input the config describes succeeds:
/// a `400` here is an input the schema and the plugin name or type
/// differently.
fn schema_call_check(client: &ureq::Agent, target: &Target) -> Outcome {
    let name = "config: a call built from the schema";
    let call = target.call(PluginCall::executing(&target.attempt("schema")));
    let exchange = match exchange(client, target, name, &call) {
        Ok(exchange) => exchange,
        Err(outcome) => return outcome,
    };
    let verdict = match common(target, &exchange) {
        Verdict::Fail(reason) => Verdict::Fail(reason),
        _ if exchange.status != 200 => Verdict::Fail(format!(
            "the plugin rejects the inputs its config describes: {}{}",
            exchange.status,
            message_of(&exchange.body)
        )),
        other => match preset_value(target.preset, &exchange.body) {
            Ok(_) => other,
            Err(reason) => Verdict::Fail(format!(
                "the answer does not match the config's preset: {reason}"
            )),
        },
    };
    outcome(name, &exchange, verdict)
}

/// A call lacking the required input `key` is refused with `{"message"}`;
/// a plugin that accepts it does not need what the config requires (a
/// warning: claiming users are made to fill in an input for nothing).
fn missing_input_check(client: &ureq::Agent, target: &Target, key: &str) -> Outcome {
    let name = format!("config: without required `{key}`");
    let mut without = target.clone();
    without.inputs.retain(|(input, _)| input != key);
    let call = without.call(PluginCall::executing(
        &target.attempt(&format!("without-{key}")),
    ));
    let exchange = match exchange(client, target, &name, &call) {
        Ok(exchange) => exchange,
        Err(outcome) => return outcome,
    };
    let verdict = match common(target, &exchange) {
        Verdict::Fail(reason) => Verdict::Fail(reason),
        _ if (200..300).contains(&exchange.status) => Verdict::Warn(format!(
            "answered {}: the config requires `{key}`, the plugin does without it",
            exchange.status
        )),
        _ if exchange.status >= 500 => Verdict::Fail(format!(
            "a missing input is the caller's mistake: 4xx, not {}",
            exchange.status
        )),
        other => match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(body) if body.get("message").is_some_and(Value::is_string) => other,
            _ => Verdict::Fail("a refusal must carry a JSON body {\"message\": ...}".to_owned()),
        },
    };
    outcome(&name, &exchange, verdict)
}
