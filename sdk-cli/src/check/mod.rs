//! `claimkit check`: a battery of plugin calls, the way the platform makes
//! them, each answer checked against the protocol.

pub mod declared;
mod replay;
mod report;
mod sink;

use std::time::Duration;

use claimkit::testing::{PluginCall, TEST_CLAIM_ID};
use claimkit::Version;
use serde_json::Value;

pub use report::{Outcome, Report, Verdict};
pub use sink::ActionSink;

use crate::client::{preflight, send_signed_call, Exchange};

/// The platform's deadline for an answer.
pub const PLATFORM_DEADLINE: Duration = Duration::from_secs(10);
/// Answers slower than this are flagged.
pub const SLOW: Duration = Duration::from_secs(2);
/// How long a post-claim action may take to reach the action sink.
pub const ACTION_WAIT: Duration = Duration::from_secs(10);

/// The response preset the plugin was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// `200` with any body.
    Stateless,
    /// `200 {"claimToken": ...}`.
    ClaimToken,
    /// `200 {"claimNumber": n}`.
    ClaimNumber,
}

/// How the platform calls the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallModel {
    /// A simulation, then the real call with the attempt's id.
    #[default]
    Classic,
    /// The 2026 model: a simulation may be the only call of an attempt,
    /// its answer replayed by the execution step (unless the plugin version
    /// sets `ignoreSimulations`). Adds the checks that simultaneous
    /// simulations from different addresses get distinct numbers or tokens,
    /// and, with status webhooks, that a replayed attempt's `success`
    /// settles what its address held.
    Replay,
}

/// What to check, and how.
#[derive(Debug, Clone)]
pub struct Target {
    /// The plugin's URL.
    pub url: String,
    /// The plugin secret.
    pub secret: String,
    /// The preset it answers with.
    pub preset: Preset,
    /// The method the plugin is configured with.
    pub method: String,
    /// Whether to send status webhooks too.
    pub status_hooks: bool,
    /// Whether the status webhooks are sent as simulations, which a plugin
    /// acts on no further: no post-claim action runs.
    pub simulated_hooks: bool,
    /// The claim every call is about, but the `maxUses` check's own claim
    /// (default: `claim-under-test`).
    pub claim_id: Option<String>,
    /// Where to listen (`HOST:PORT`) for the post-claim actions the status
    /// webhooks queue, when the plugin's action URL points there.
    pub action_sink: Option<String>,
    /// How long an action may take to reach the sink.
    pub action_wait: Duration,
    /// The plugin's own inputs to send with every call.
    pub inputs: Vec<(String, Value)>,
    /// How long to wait for an answer.
    pub deadline: Duration,
    /// Answers slower than this get a warning.
    pub slow: Duration,
    /// A prefix for the attempt ids, unique per run.
    pub run_id: String,
    /// Whether to sign every call (`X-BitBadges-Signature`, with the plugin
    /// secret), and check that a badly signed one is refused.
    pub sign: bool,
    /// The browser origin whose CORS preflight is checked: the developer
    /// portal's.
    pub origin: String,
    /// How the platform calls the plugin, and so which checks run.
    pub model: CallModel,
}

impl Target {
    /// A target with the platform's deadline and a fresh run id.
    pub fn new(url: impl Into<String>, secret: impl Into<String>, preset: Preset) -> Self {
        Self {
            url: url.into(),
            secret: secret.into(),
            preset,
            method: "POST".to_owned(),
            status_hooks: false,
            simulated_hooks: false,
            claim_id: None,
            action_sink: None,
            action_wait: ACTION_WAIT,
            inputs: Vec::new(),
            deadline: PLATFORM_DEADLINE,
            slow: SLOW,
            run_id: claimkit::store::random_token()[..12].to_owned(),
            sign: false,
            origin: claimkit::PORTAL_ORIGIN.to_owned(),
            model: CallModel::Classic,
        }
    }

    fn call(&self, call: PluginCall) -> PluginCall {
        self.about(call.with_secret(&self.secret))
    }

    /// `call` with the plugin's inputs, about the target's claim unless it
    /// has one of its own.
    fn about(&self, call: PluginCall) -> PluginCall {
        let default = call.context().claim_id.as_deref() == Some(TEST_CLAIM_ID);
        let call = match &self.claim_id {
            Some(claim) if default => call.with_claim_id(claim),
            _ => call,
        };
        self.inputs
            .iter()
            .fold(call, |call, (key, value)| call.with_input(key, value))
    }

    fn attempt(&self, name: &str) -> String {
        format!("check-{}-{name}", self.run_id)
    }
}

/// What a successful answer carried, to compare across checks.
#[derive(Debug, Clone, PartialEq)]
enum Issued {
    Nothing,
    Token(String),
    Number(u64),
}

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

fn exchange(
    client: &ureq::Agent,
    target: &Target,
    name: &str,
    call: &PluginCall,
) -> Result<Exchange, Outcome> {
    let secret = target.sign.then_some(target.secret.as_str());
    send_signed_call(client, &target.url, &target.method, call, secret).map_err(|failure| Outcome {
        name: name.to_owned(),
        verdict: Verdict::Fail(failure.to_string()),
        status: None,
        latency: None,
    })
}

/// The checks every answer must pass: no secret echoed, no dotted key,
/// and a warning when slow.
fn common(target: &Target, exchange: &Exchange) -> Verdict {
    if !target.secret.is_empty() && contains(&exchange.body, target.secret.as_bytes()) {
        return Verdict::Fail("the answer echoes the plugin secret".to_owned());
    }
    if let Ok(Some(key)) = claimkit::find_dotted_key(&exchange.body) {
        return Verdict::Fail(format!("the key {key:?} contains `.`; escape it (`[dot]`)"));
    }
    if exchange.latency > target.slow {
        return Verdict::Warn(format!(
            "slow: {:.1} s (the platform gives up at {} s)",
            exchange.latency.as_secs_f64(),
            PLATFORM_DEADLINE.as_secs()
        ));
    }
    Verdict::Pass
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn outcome(name: &str, exchange: &Exchange, verdict: Verdict) -> Outcome {
    Outcome {
        name: name.to_owned(),
        verdict,
        status: Some(exchange.status),
        latency: Some(exchange.latency),
    }
}

/// A call that must succeed with the preset's body.
fn success_check(
    client: &ureq::Agent,
    target: &Target,
    name: &str,
    call: PluginCall,
) -> (Outcome, Option<Issued>) {
    let exchange = match exchange(client, target, name, &target.call(call)) {
        Ok(exchange) => exchange,
        Err(outcome) => return (outcome, None),
    };
    let common = common(target, &exchange);
    if matches!(common, Verdict::Fail(_)) {
        return (outcome(name, &exchange, common), None);
    }
    if exchange.status != 200 {
        let reason = if (200..300).contains(&exchange.status) {
            format!("success must be exactly 200, not {}", exchange.status)
        } else {
            format!(
                "expected 200, got {}{}",
                exchange.status,
                message_of(&exchange.body)
            )
        };
        return (outcome(name, &exchange, Verdict::Fail(reason)), None);
    }
    match preset_value(target.preset, &exchange.body) {
        Ok(value) => (outcome(name, &exchange, common), Some(value)),
        Err(reason) => (outcome(name, &exchange, Verdict::Fail(reason)), None),
    }
}

/// A status webhook: `200` within the deadline, any body.
fn webhook_check(
    client: &ureq::Agent,
    target: &Target,
    name: &str,
    call: PluginCall,
) -> (Outcome, ()) {
    let exchange = match exchange(client, target, name, &target.call(call)) {
        Ok(exchange) => exchange,
        Err(outcome) => return (outcome, ()),
    };
    let verdict = match common(target, &exchange) {
        Verdict::Fail(reason) => Verdict::Fail(reason),
        _ if exchange.status != 200 => Verdict::Fail(format!(
            "status webhooks need exactly 200 (else the platform retries), got {}{}",
            exchange.status,
            message_of(&exchange.body)
        )),
        other => other,
    };
    (outcome(name, &exchange, verdict), ())
}

/// A call without the right secret: anything but `200`, with `{"message"}`.
fn refusal_check(client: &ureq::Agent, target: &Target, name: &str, call: PluginCall) -> Outcome {
    let exchange = match exchange(client, target, name, &call) {
        Ok(exchange) => exchange,
        Err(outcome) => return outcome,
    };
    let verdict = match common(target, &exchange) {
        Verdict::Fail(reason) => Verdict::Fail(reason),
        _ if exchange.status == 200 => {
            Verdict::Fail("answered 200: the plugin does not check its secret".to_owned())
        }
        _ if (200..300).contains(&exchange.status) => Verdict::Fail(format!(
            "answered {}: a refusal must not be a success",
            exchange.status
        )),
        other => match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(body) if body.get("message").is_some_and(Value::is_string) => other,
            _ => Verdict::Fail("a refusal must carry a JSON body {\"message\": ...}".to_owned()),
        },
    };
    outcome(name, &exchange, verdict)
}

/// ` ("the message")` when the body is `{"message": ...}`.
fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| {
            body.get("message")
                .and_then(Value::as_str)
                .map(|m| format!(" ({m:?})"))
        })
        .unwrap_or_default()
}

const NO_TOKEN: &str = "no claimToken in the answer";
const NO_NUMBER: &str = "no claimNumber in the answer";

fn preset_value(preset: Preset, body: &[u8]) -> Result<Issued, String> {
    if preset == Preset::Stateless {
        return Ok(Issued::Nothing);
    }
    let body: Value =
        serde_json::from_slice(body).map_err(|_| "the body is not JSON".to_owned())?;
    match preset {
        Preset::Stateless => Ok(Issued::Nothing),
        Preset::ClaimToken => match body.get("claimToken") {
            Some(Value::String(token)) if token.is_empty() => Err("claimToken is empty".to_owned()),
            Some(Value::String(token)) if token.contains('.') => {
                Err("claimToken contains `.`".to_owned())
            }
            Some(Value::String(token)) => Ok(Issued::Token(token.clone())),
            Some(_) => Err("claimToken is not a string".to_owned()),
            None => Err(NO_TOKEN.to_owned()),
        },
        Preset::ClaimNumber => match body.get("claimNumber") {
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Issued::Number)
                .ok_or_else(|| format!("claimNumber must be a non-negative integer, got {n}")),
            Some(_) => Err("claimNumber is not a number".to_owned()),
            None => Err(NO_NUMBER.to_owned()),
        },
    }
}
