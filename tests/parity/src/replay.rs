//! Claim numbers under the 2026 call model, checked on the real binaries:
//! a simulation (with `bitbadgesAddress`) may be the only call of an
//! attempt, the platform replays its answer, and the status webhook is the
//! first call with the attempt's id. Each example's `tests/replay.rs` runs
//! these against its own binary on SQLite, PostgreSQL and Redis.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::contract::Server;

const SECRET: &str = "replay-secret-51c0de";
/// Wide enough that no hold lapses on a loaded machine within a test.
const SIMULATION_HOLD: &str = "600";
const ROUTE: &str = "/plugins/claim-number";

/// One plugin call of `claim` from `address`.
fn body(claim: &str, address: &str, attempt: &str, status: &str, simulation: bool) -> String {
    json!({
        "pluginSecret": SECRET,
        "claimId": claim,
        "claimAttemptId": attempt,
        "_attemptStatus": status,
        "_isSimulation": simulation,
        "bitbadgesAddress": address,
    })
    .to_string()
}

async fn post(client: &reqwest::Client, base: &str, body: String) -> Value {
    let response = client
        .post(format!("{base}{ROUTE}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|err| panic!("{base}: {err}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{text:?}: {err}"))
}

/// The number a simulation from `address` previews (and holds).
async fn simulate(client: &reqwest::Client, base: &str, claim: &str, address: &str) -> u64 {
    let answer = post(client, base, body(claim, address, "", "executing", true)).await;
    answer["claimNumber"]
        .as_u64()
        .unwrap_or_else(|| panic!("a simulation answered {answer}"))
}

/// `replicas` servers of `binary` on `store_url`.
fn start(binary: &str, store_url: &str, replicas: usize) -> (Vec<Server>, Vec<String>) {
    let env = [
        ("PLUGIN_SECRET", SECRET),
        ("STORE_URL", store_url),
        ("SIMULATION_HOLD", SIMULATION_HOLD),
    ];
    let servers: Vec<Server> = (0..replicas).map(|_| Server::start(binary, &env)).collect();
    let bases = servers.iter().map(Server::base_url).collect();
    (servers, bases)
}

/// Two waves of 30 simultaneous simulations on claim `claim`, each from an
/// address of its own, spread over `replicas` servers of `binary` on
/// `store_url`: each wave's simulations get distinct numbers, the same
/// address simulating again gets its own again; every third attempt also
/// sends its executing call (which gets the simulated number), every attempt
/// then its status webhook on another replica, twice, a quarter of the first
/// wave's `failure`. The second wave, all `success`, reuses the numbers the
/// failures released: the successful numbers are exactly `0..k`.
pub async fn replayed_claims_stay_dense(
    binary: &str,
    store_url: &str,
    claim: &str,
    replicas: usize,
) {
    let (_servers, bases) = start(binary, store_url, replicas);
    let client = reqwest::Client::new();
    let base = |i: usize| bases[i % bases.len()].as_str();
    let mut successful = BTreeSet::new();
    for wave in 0..2 {
        let addresses: Vec<String> = (0..30).map(|i| format!("bb1wave{wave}user{i}")).collect();
        let numbers = join_all(
            addresses
                .iter()
                .enumerate()
                .map(|(i, address)| simulate(&client, base(i), claim, address)),
        )
        .await;
        let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            30,
            "simultaneous simulations shared numbers: {numbers:?}"
        );
        if wave == 0 {
            assert_eq!(distinct, (0..30).collect(), "the first wave is not 0..30");
        }
        assert_eq!(
            simulate(&client, base(1), claim, &addresses[0]).await,
            numbers[0],
            "the same user simulating again got another number"
        );
        let settled = join_all(addresses.iter().enumerate().map(|(i, address)| {
            let (client, number) = (&client, numbers[i]);
            async move {
                let attempt = format!("attempt-{wave}-{i}");
                if i % 3 == 0 {
                    let answer = post(
                        client,
                        base(i),
                        body(claim, address, &attempt, "executing", false),
                    )
                    .await;
                    assert_eq!(
                        answer["claimNumber"].as_u64(),
                        Some(number),
                        "the executing call of {address} did not get its simulation's number"
                    );
                }
                let ok = wave == 1 || i % 4 != 1;
                let status = if ok { "success" } else { "failure" };
                for _ in 0..2 {
                    let webhook = body(claim, address, &attempt, status, false);
                    assert_eq!(post(client, base(i + 1), webhook).await, json!({}));
                }
                ok.then_some(number)
            }
        }))
        .await;
        successful.extend(settled.into_iter().flatten());
    }
    let k = u64::try_from(successful.len()).unwrap();
    assert_eq!(
        successful,
        (0..k).collect(),
        "the successful numbers are not dense"
    );
    assert_eq!(
        simulate(&client, base(0), claim, "bb1afterwards").await,
        k,
        "a released number was not reused, or a confirmed one was handed out again"
    );
}

/// A simulation's hold survives a `SIGKILL` of the server and its restart
/// on the same store: a new address does not get the held number, the
/// holder does, and its executing call takes it over.
pub async fn a_held_number_survives_sigkill(binary: &str, store_url: &str) {
    let claim = "replay-sigkill";
    let client = reqwest::Client::new();
    let (mut servers, bases) = start(binary, store_url, 1);
    assert_eq!(simulate(&client, &bases[0], claim, "bb1held").await, 0);
    assert_eq!(simulate(&client, &bases[0], claim, "bb1other").await, 1);
    servers.pop().unwrap().kill();

    let (_servers, bases) = start(binary, store_url, 1);
    assert_eq!(
        simulate(&client, &bases[0], claim, "bb1new").await,
        2,
        "a number held before the crash was previewed to another address"
    );
    assert_eq!(
        simulate(&client, &bases[0], claim, "bb1held").await,
        0,
        "a hold was lost in the crash"
    );
    let answer = post(
        &client,
        &bases[0],
        body(claim, "bb1other", "attempt-other", "executing", false),
    )
    .await;
    assert_eq!(answer["claimNumber"].as_u64(), Some(1));
}
