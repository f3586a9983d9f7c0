//! Post-claim actions that are never lost, checked on the real example
//! binaries with a real HTTP sink on loopback: retries until the sink
//! accepts, a `SIGKILL` in the middle, two replicas on one store, a
//! simulation, the give-up horizon, a graceful stop, and the claim-number
//! plugin that queues its action on `success`. Each example's
//! `tests/actions.rs` runs these against its own binary, on every store
//! backend the machine has.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use claimkit::store::Actions;
use serde_json::{json, Value};

use crate::contract::Server;

/// The plugin secret of every server these checks start.
const SECRET: &str = "actions-secret-7e41b09c";

/// One request the sink received.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// Its `Idempotency-Key` header.
    pub key: Option<String>,
    /// Its JSON body.
    pub body: Value,
    /// Whether the sink accepted it (`200`) or refused it (`500`).
    pub accepted: bool,
}

#[derive(Debug, Default)]
struct Book {
    /// How many more requests to refuse before accepting.
    refuse: usize,
    /// Refuse every request while set.
    failing: bool,
    /// Hold every request this long before answering.
    hold: Duration,
    /// How many requests have arrived, answered or still held.
    arrived: usize,
    received: Vec<Received>,
}

/// An HTTP sink on loopback that records what it receives, refusing with
/// `500` when told to, on a thread and runtime of its own.
#[derive(Debug, Clone)]
pub struct Sink {
    address: SocketAddr,
    book: Arc<Mutex<Book>>,
}

impl Sink {
    /// A sink that refuses the first `refuse` requests, then accepts.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(refuse: usize) -> Self {
        let book = Arc::new(Mutex::new(Book {
            refuse,
            ..Book::default()
        }));
        let app = Router::new()
            .route("/actions", post(receive))
            .with_state(book.clone());
        let address = crate::serve::axum_on_its_own_thread(app);
        Self { address, book }
    }

    /// The URL to give the plugin as `ACTION_URL`.
    pub fn url(&self) -> String {
        format!("http://{}/actions", self.address)
    }

    /// Refuses every request while `failing` is set.
    pub fn set_failing(&self, failing: bool) {
        self.book.lock().unwrap().failing = failing;
    }

    /// Holds every request `hold` before answering.
    pub fn set_hold(&self, hold: Duration) {
        self.book.lock().unwrap().hold = hold;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.book.lock().unwrap().received.clone()
    }

    /// Waits (up to `within`) until `count` requests have arrived, answered
    /// or still held.
    ///
    /// # Panics
    /// When they have not in time.
    pub async fn wait_until_arrived(&self, count: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while self.book.lock().unwrap().arrived < count {
            assert!(
                Instant::now() < deadline,
                "the sink never saw {count} requests arrive"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (up to `within`) until `done` holds of what was received.
    ///
    /// # Panics
    /// When it does not in time.
    pub async fn wait_until(
        &self,
        what: &str,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if done(&received) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the sink never saw {what}: {received:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(
    State(book): State<Arc<Mutex<Book>>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_str(&body).unwrap_or(Value::Null);
    let (accepted, hold) = {
        let mut book = book.lock().unwrap();
        book.arrived += 1;
        let accepted = if book.failing {
            false
        } else if book.refuse > 0 {
            book.refuse -= 1;
            false
        } else {
            true
        };
        (accepted, book.hold)
    };
    tokio::time::sleep(hold).await;
    book.lock().unwrap().received.push(Received {
        key,
        body,
        accepted,
    });
    if accepted {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

fn start(binary: &str, store_url: &str, sink: &Sink, extra: &[(&str, &str)]) -> Server {
    let url = sink.url();
    let mut env = vec![
        ("PLUGIN_SECRET", SECRET),
        ("STORE_URL", store_url),
        ("ACTION_URL", url.as_str()),
    ];
    env.extend_from_slice(extra);
    Server::start(binary, &env)
}

/// The status-webhook route, which queues the post-claim action.
const STATUS_HOOK: &str = "/plugins/status-hook";

/// The claim-number route that also queues the post-claim action on
/// `success`.
pub const NUMBER_WITH_ACTION: &str = "/plugins/claim-number-with-action";

/// Calls `route` on `server` as the platform does, and returns the status
/// and JSON body of the answer.
async fn plugin_call(
    server: &Server,
    route: &str,
    attempt: &str,
    status: &str,
    simulation: bool,
) -> (u16, Value) {
    let url = format!("{}{route}", server.base_url());
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(
            json!({
                "pluginSecret": SECRET,
                "claimId": "claim-actions",
                "claimAttemptId": attempt,
                "_attemptStatus": status,
                "_isSimulation": simulation,
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

/// Sends a status webhook to `route` and checks it is answered `200 {}` at
/// once: within 10 s, long for a loaded machine and short beside the minute
/// a held sink would keep an action that the webhook waited for.
async fn webhook_to(server: &Server, route: &str, attempt: &str, status: &str, simulation: bool) {
    let started = Instant::now();
    let answer = plugin_call(server, route, attempt, status, simulation).await;
    assert_eq!(answer, (200, json!({})), "{route} {attempt} {status}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the webhook waited for its action"
    );
}

/// Sends a status webhook to the status-hook route and checks it is
/// answered `200 {}` at once.
async fn status_webhook(server: &Server, attempt: &str, status: &str, simulation: bool) {
    webhook_to(server, STATUS_HOOK, attempt, status, simulation).await;
}

fn expected_body(attempt: &str, status: &str) -> Value {
    json!({"claimAttemptId": attempt, "claimId": "claim-actions", "status": status})
}

/// The sink refuses the first two tries, then accepts: delivered exactly
/// once, after three tries, each with the same idempotency key and body.
pub async fn retried_until_the_sink_accepts(binary: &str, store_url: &str) {
    let sink = Sink::start(2);
    let server = start(binary, store_url, &sink, &[]);
    status_webhook(&server, "attempt-retried", "success", false).await;
    sink.wait_until("an accepted try", Duration::from_secs(20), |r| {
        r.iter().any(|r| r.accepted)
    })
    .await;
    // Recorded (and logged) once the store knows, however slow its commit.
    server.wait_for("post-claim action done");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = sink.received();
    assert_eq!(received.len(), 3, "three tries in all: {received:?}");
    assert_eq!(received.iter().filter(|r| r.accepted).count(), 1);
    assert!(received[2].accepted, "the third try was accepted");
    for try_ in &received {
        assert_eq!(try_.key.as_deref(), Some("attempt-retried:success"));
        assert_eq!(try_.body, expected_body("attempt-retried", "success"));
    }
    assert_eq!(
        server.lines_with(&[
            "post_claim_action",
            "attempt-retried:success",
            "outcome=retry"
        ]),
        2
    );
    assert_eq!(
        server.lines_with(&[
            "post_claim_action",
            "attempt-retried:success",
            "post-claim action done"
        ]),
        1
    );
    assert_eq!(
        server.lines_with(&[SECRET]),
        0,
        "the secret is never logged"
    );
}

/// The sink keeps refusing while the plugin is killed with `SIGKILL`; once
/// the plugin is started again on the same store and the sink accepts, the
/// action is delivered, with the same idempotency key.
pub async fn survives_sigkill(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    sink.set_failing(true);
    let server = start(binary, store_url, &sink, &[]);
    status_webhook(&server, "attempt-killed", "success", false).await;
    sink.wait_until("two refused tries", Duration::from_secs(20), |r| {
        r.len() >= 2
    })
    .await;
    server.kill();
    // A try already on the wire when the process died still lands.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = sink.received().len();
    sink.set_failing(false);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), before, "a killed plugin sent more");

    let restarted = start(binary, store_url, &sink, &[]);
    sink.wait_until("the try after the restart", Duration::from_secs(40), |r| {
        r.iter().any(|r| r.accepted)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = sink.received();
    assert_eq!(
        received.iter().filter(|r| r.accepted).count(),
        1,
        "{received:?}"
    );
    assert!(received.iter().all(|r| {
        r.key.as_deref() == Some("attempt-killed:success")
            && r.body == expected_body("attempt-killed", "success")
    }));
    drop(restarted);
}

/// A status webhook delivered six times, alternately to two replicas on
/// one store, runs its action once.
pub async fn two_replicas_act_once(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    let first = start(binary, store_url, &sink, &[]);
    let second = start(binary, store_url, &sink, &[]);
    for replica in [&first, &second, &first, &second, &first, &second] {
        status_webhook(replica, "attempt-replicas", "success", false).await;
    }
    sink.wait_until("the action", Duration::from_secs(20), |r| !r.is_empty())
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = sink.received();
    assert_eq!(
        received.len(),
        1,
        "one action for six deliveries: {received:?}"
    );
    assert_eq!(received[0].key.as_deref(), Some("attempt-replicas:success"));
}

/// A simulation, and an attempt still executing, send nothing; a real
/// status webhook after them is sent (so the sink was reachable).
pub async fn simulations_send_nothing(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    let server = start(binary, store_url, &sink, &[]);
    status_webhook(&server, "attempt-simulated", "success", true).await;
    status_webhook(&server, "attempt-executing", "executing", false).await;
    status_webhook(&server, "attempt-real", "failure", false).await;
    sink.wait_until("the real action", Duration::from_secs(20), |r| {
        !r.is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let received = sink.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].key.as_deref(), Some("attempt-real:failure"));
    assert_eq!(received[0].body, expected_body("attempt-real", "failure"));
}

/// With the horizon shortened (`ACTION_GIVE_UP=3`), an action the sink
/// always refuses gives up: logged, and listed as dead in the store.
pub async fn gives_up_after_the_horizon(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    sink.set_failing(true);
    let server = start(binary, store_url, &sink, &[("ACTION_GIVE_UP", "3")]);
    status_webhook(&server, "attempt-dead", "success", false).await;
    server.wait_for("outcome=dead");
    let store = claimkit_store::Store::connect(store_url).await.unwrap();
    let dead = store.dead(100).await.unwrap();
    let dead: Vec<_> = dead
        .iter()
        .filter(|d| d.key == "attempt-dead:success")
        .collect();
    assert_eq!(dead.len(), 1, "listed as dead");
    let tries = sink.received().len();
    assert!(tries >= 2, "retried before giving up: {tries}");
    assert_eq!(dead[0].attempts as usize, tries);
    assert_eq!(
        dead[0].last_error,
        "the action URL answered 500 Internal Server Error"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sink.received().len(),
        tries,
        "a dead action was tried again"
    );
}

/// A dead action retried by hand (`claimkit store retry KEY` calls
/// `Actions::retry`) is taken by the running plugin's runner and delivered
/// once, its tries counted anew, its last error kept until a try fails.
pub async fn a_dead_action_retried_by_hand_is_delivered(binary: &str, store_url: &str) {
    use claimkit::store::{ActionState, Inspect};
    const KEY: &str = "attempt-revived:success";
    let sink = Sink::start(0);
    sink.set_failing(true);
    let server = start(binary, store_url, &sink, &[("ACTION_GIVE_UP", "3")]);
    status_webhook(&server, "attempt-revived", "success", false).await;
    server.wait_for("outcome=dead");
    let store = claimkit_store::Store::connect(store_url).await.unwrap();
    let dead = store
        .action(KEY)
        .await
        .unwrap()
        .expect("the action is kept");
    assert_eq!(dead.state, ActionState::Dead);
    let refused = sink.received().len();
    sink.set_failing(false);
    assert!(store.retry(KEY).await.unwrap(), "a dead action is retried");
    sink.wait_until("the retried action", Duration::from_secs(30), |r| {
        r.iter()
            .any(|r| r.accepted && r.key.as_deref() == Some(KEY))
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let done = loop {
        let action = store
            .action(KEY)
            .await
            .unwrap()
            .expect("the action is kept");
        if action.state == ActionState::Done {
            break action;
        }
        assert!(
            Instant::now() < deadline,
            "the delivered action was never recorded done: {action:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done.attempts, 1, "its tries are counted anew");
    assert_eq!(
        done.last_error.as_deref(),
        Some("the action URL answered 500 Internal Server Error")
    );
    assert_eq!(
        sink.received().len(),
        refused + 1,
        "delivered once after the retry"
    );
}

/// On `SIGTERM` the plugin stops taking work, gives the running action a
/// bounded time, and exits; the next start delivers it.
pub async fn a_graceful_stop_leaves_the_rest_to_the_next_start(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    sink.set_hold(Duration::from_secs(60));
    let mut server = start(binary, store_url, &sink, &[("ACTION_SHUTDOWN_GRACE", "1")]);
    status_webhook(&server, "attempt-stopped", "success", false).await;
    // The try is under way (the sink holds it).
    sink.wait_until_arrived(1, Duration::from_secs(20)).await;
    let stopped = Instant::now();
    server.terminate();
    assert!(
        stopped.elapsed() < Duration::from_secs(10),
        "the stop took {:?}",
        stopped.elapsed()
    );
    assert!(
        server.lines_with(&["interrupted"]) >= 1,
        "the running try was interrupted"
    );
    sink.set_hold(Duration::ZERO);
    let restarted = start(binary, store_url, &sink, &[]);
    sink.wait_until("the try after the restart", Duration::from_secs(30), |r| {
        r.iter().any(|r| r.accepted)
    })
    .await;
    drop(restarted);
}

/// The claim-number plugin that also queues its post-claim action on
/// `success`, in one handler ([`NUMBER_WITH_ACTION`]): the executing
/// attempts get their numbers; the `success` webhook, sent three times,
/// confirms the number and its action runs once; the `failure` webhook,
/// sent three times, releases its number and sends nothing; a simulation
/// sends nothing either.
pub async fn claim_number_with_action(binary: &str, store_url: &str) {
    let sink = Sink::start(0);
    let server = start(binary, store_url, &sink, &[]);
    let route = NUMBER_WITH_ACTION;
    let number = |n: u64| (200, json!({ "claimNumber": n }));
    assert_eq!(
        plugin_call(&server, route, "", "executing", true).await,
        number(0)
    );
    assert_eq!(
        plugin_call(&server, route, "attempt-won", "executing", false).await,
        number(0)
    );
    assert_eq!(
        plugin_call(&server, route, "attempt-lost", "executing", false).await,
        number(1)
    );
    for _ in 0..3 {
        webhook_to(&server, route, "attempt-won", "success", false).await;
        webhook_to(&server, route, "attempt-lost", "failure", false).await;
    }
    webhook_to(&server, route, "attempt-simulated", "success", true).await;
    sink.wait_until("the action", Duration::from_secs(20), |r| !r.is_empty())
        .await;

    // The won attempt's number is confirmed: a late failure webhook leaves
    // it, and sends nothing. The lost attempt's number is the next one.
    webhook_to(&server, route, "attempt-won", "failure", false).await;
    assert_eq!(
        plugin_call(&server, route, "attempt-next", "executing", false).await,
        number(1)
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = sink.received();
    assert_eq!(received.len(), 1, "one action, on success: {received:?}");
    assert_eq!(received[0].key.as_deref(), Some("attempt-won:success"));
    assert_eq!(received[0].body, expected_body("attempt-won", "success"));
    assert!(received[0].accepted);
    assert_eq!(
        server.lines_with(&[
            "post_claim_action",
            "attempt-won:success",
            "post-claim action done"
        ]),
        1
    );
}
