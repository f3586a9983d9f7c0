//! One call and its answer, checked against the protocol: the checks every
//! answer must pass, a success with the preset's body, a status webhook, a
//! refusal.

use claimkit::testing::PluginCall;
use serde_json::Value;

use super::report::{Outcome, Verdict};
use super::target::{Preset, Target, PLATFORM_DEADLINE};
use crate::client::{send_signed_call, Exchange};

/// What a successful answer carried, to compare across checks.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Issued {
    Nothing,
    Token(String),
    Number(u64),
}

pub(super) fn exchange(
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
pub(super) fn common(target: &Target, exchange: &Exchange) -> Verdict {
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

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

pub(super) fn outcome(name: &str, exchange: &Exchange, verdict: Verdict) -> Outcome {
    Outcome {
        name: name.to_owned(),
        verdict,
        status: Some(exchange.status),
        latency: Some(exchange.latency),
    }
}

/// A call that must succeed with the preset's body.
pub(super) fn success_check(
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
pub(super) fn webhook_check(
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
pub(super) fn refusal_check(
    client: &ureq::Agent,
    target: &Target,
    name: &str,
    call: PluginCall,
) -> Outcome {
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
pub(super) fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| {
            body.get("message")
                .and_then(Value::as_str)
                .map(|m| format!(" ({m:?})"))
        })
        .unwrap_or_default()
}

pub(super) const NO_TOKEN: &str = "no claimToken in the answer";
pub(super) const NO_NUMBER: &str = "no claimNumber in the answer";

pub(super) fn preset_value(preset: Preset, body: &[u8]) -> Result<Issued, String> {
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
