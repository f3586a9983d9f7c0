//! The checks of the 2026 call model (`--model replay`): a simulation may
//! be the only call of an attempt, and the platform replays its answer, so
//! what simulations answer must already be right for the attempts.

use claimkit::testing::PluginCall;

use super::answer::{success_check, webhook_check, Issued};
use super::report::{Outcome, Verdict};
use super::target::{Preset, Target};

/// How many simulations are sent at once, each from an address of its own.
pub(super) const SIMULTANEOUS: usize = 8;

/// The replay model's checks, on a claim of their own: simultaneous
/// simulations from different addresses must get different numbers (or
/// tokens); the same user simulating again should get the same one; with
/// status webhooks, a `success` for a replayed attempt settles what its
/// address held, so that address's next attempt gets a new number. Nothing
/// for a stateless plugin.
pub(super) fn checks(client: &ureq::Agent, target: &Target) -> Vec<Outcome> {
    if target.preset == Preset::Stateless {
        return Vec::new();
    }
    let claim = format!("check-{}-replay", target.run_id);
    let address = |i: usize| format!("bb1claimkitcheck{}{i}", target.run_id);
    let simulation = |i: usize| {
        PluginCall::simulation()
            .with_claim_id(&claim)
            .with_address(&address(i))
    };
    let mut outcomes = Vec::new();

    let name = "simultaneous simulations get distinct values (replay model)";
    let answers: Vec<(Outcome, Option<Issued>)> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..SIMULTANEOUS)
            .map(|i| {
                let call = simulation(i);
                scope.spawn(move || success_check(client, target, name, call))
            })
            .collect();
        calls
            .into_iter()
            .map(|call| call.join().expect("a check thread panicked"))
            .collect()
    });
    let mut values = Vec::with_capacity(SIMULTANEOUS);
    for (outcome, value) in answers {
        match value {
            Some(value) => values.push(value),
            None => {
                outcomes.push(outcome);
                return outcomes;
            }
        }
    }
    let what = match target.preset {
        Preset::ClaimToken => "token",
        _ => "claim number",
    };
    let distinct = values
        .iter()
        .enumerate()
        .all(|(i, value)| !values[..i].contains(value));
    let verdict = if distinct {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "{SIMULTANEOUS} simultaneous simulations from different addresses got {}: the \
             platform may replay each simulation's answer, so all but one of them would fail \
             (\"Claim number already used\"). Hold what a simulation answers for its claim and \
             address (claimkit: claim_number_with), or set ignoreSimulations on the plugin version",
            describe(&values)
        ))
    };
    outcomes.push(Outcome {
        name: name.to_owned(),
        verdict,
        status: None,
        latency: None,
    });

    let name = "the same user simulating again gets the same value (replay model)";
    let (mut outcome, again) = success_check(client, target, name, simulation(0));
    if outcome.verdict == Verdict::Pass && again.as_ref() != values.first() {
        outcome.verdict = Verdict::Warn(format!(
            "a second simulation from one address got another {what}: the first one's stays \
             held (or is lost) while the attempt replays one of them"
        ));
    }
    outcomes.push(outcome);

    if target.status_hooks && target.preset == Preset::ClaimNumber {
        let attempt = target.attempt("replayed");
        let settle = PluginCall::success(&attempt)
            .with_claim_id(&claim)
            .with_address(&address(0));
        let (outcome, ()) = webhook_check(
            client,
            target,
            "success webhook of a replayed attempt",
            settle,
        );
        outcomes.push(outcome);
        let name = "the next attempt from that address gets a new number (replay model)";
        let (mut outcome, next) = success_check(client, target, name, simulation(0));
        if outcome.verdict == Verdict::Pass && next.as_ref() == values.first() {
            outcome.verdict = Verdict::Fail(
                "after the success of an attempt that replayed a simulation, the same address \
                 previewed that attempt's number again: the status webhook must settle the \
                 number the address held"
                    .to_owned(),
            );
        }
        outcomes.push(outcome);
    }
    outcomes
}

/// The values, for a message: numbers as such, tokens counted.
fn describe(values: &[Issued]) -> String {
    let numbers: Vec<String> = values
        .iter()
        .filter_map(|value| match value {
            Issued::Number(number) => Some(number.to_string()),
            _ => None,
        })
        .collect();
    if numbers.is_empty() {
        let mut distinct: Vec<&Issued> = Vec::new();
        for value in values {
            if !distinct.contains(&value) {
                distinct.push(value);
            }
        }
        format!("only {} distinct tokens", distinct.len())
    } else {
        format!("the numbers [{}]", numbers.join(", "))
    }
}
