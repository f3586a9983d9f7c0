//! `claimkit store …` against every store: the command lists, retries and
//! shows exactly what the store holds, reading changes nothing, and a dead
//! action retried by hand is delivered by a runner to a sink. SQLite,
//! PostgreSQL and Redis through the `claimkit` binary (the machine's real
//! servers, each run in a schema or key prefix of its own); memory through
//! the same functions in this process (another process cannot see it).

use std::process::Command;
use std::time::Duration;

use claimkit::store::{
    enqueue_status_action, ActionState, ActionTerms, Actions, AttemptQuery, ClaimNumbers,
    ClaimPool, ClaimTokens, Deliveries, DeliveryTerms, Inspect, Next,
};
use claimkit::{AttemptStatus, Context};
use claimkit_cli::check::ActionSink;
use claimkit_cli::operate::{self, Which};
use claimkit_store::Store;
use serde_json::{json, Value};

const HOUR: Duration = Duration::from_secs(3600);
const CLAIM: &str = "drop-1";
const DIED_OF: &str = "the action URL answered 500 Internal Server Error";

/// One operator command, as the scenario runs it.
enum Cmd<'a> {
    Actions(&'a str),
    Retry(&'a str),
    RetryAll { yes: bool },
    Claim(&'a str, Option<u64>),
    Attempt(&'a str, Option<&'a str>),
}

/// Where the commands run: the binary on a store URL, or the library on a
/// store of this process.
enum Cli<'a> {
    Binary(&'a str),
    Library(&'a Store),
}

impl Cli<'_> {
    /// The command's exit code and JSON document.
    async fn run(&self, cmd: Cmd<'_>) -> (u8, Value) {
        match self {
            Cli::Binary(url) => {
                let args: Vec<String> = match cmd {
                    Cmd::Actions(which) => vec!["actions".into(), which.into()],
                    Cmd::Retry(key) => vec!["retry".into(), key.into()],
                    Cmd::RetryAll { yes } => {
                        let mut args = vec!["retry".to_owned(), "--all".to_owned()];
                        if yes {
                            args.push("--yes".into());
                        }
                        args
                    }
                    Cmd::Claim(claim, max_uses) => {
                        let mut args = vec!["claim".to_owned(), claim.to_owned()];
                        if let Some(max_uses) = max_uses {
                            args.extend(["--max-uses".to_owned(), max_uses.to_string()]);
                        }
                        args
                    }
                    Cmd::Attempt(attempt, claim) => {
                        let mut args = vec!["attempt".to_owned(), attempt.to_owned()];
                        if let Some(claim) = claim {
                            args.extend(["--claim-id".to_owned(), claim.to_owned()]);
                        }
                        args
                    }
                };
                let (code, stdout, stderr) = claimkit(url, &args, true);
                let json = serde_json::from_str(&stdout)
                    .unwrap_or_else(|err| panic!("{args:?}: not JSON ({err}): {stdout}{stderr}"));
                (code, json)
            }
            Cli::Library(store) => {
                let shown = match cmd {
                    Cmd::Actions(which) => {
                        let which = match which {
                            "due" => Which::Due,
                            state => Which::State(ActionState::parse(state).unwrap()),
                        };
                        operate::list_actions(*store, which, 100).await
                    }
                    Cmd::Retry(key) => operate::retry(*store, key).await,
                    Cmd::RetryAll { yes } => operate::retry_all(*store, 1000, yes).await,
                    Cmd::Claim(claim, max_uses) => {
                        operate::claim(*store, claim, max_uses, 50).await
                    }
                    Cmd::Attempt(attempt, claim) => {
                        let query = AttemptQuery {
                            attempt_id: attempt,
                            claim_id: claim,
                            instance_id: None,
                        };
                        operate::attempt(*store, &query).await
                    }
                }
                .unwrap();
                (shown.exit.code(), shown.json)
            }
        }
    }
}

/// Runs `claimkit store ARGS --store-url URL` (with `--json`): its exit
/// code, stdout and stderr.
fn claimkit(url: &str, args: &[String], json: bool) -> (u8, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claimkit"));
    command.arg("store").args(args).args(["--store-url", url]);
    if json {
        command.arg("--json");
    }
    let out = command.env_remove("STORE_URL").output().unwrap();
    let code = u8::try_from(out.status.code().unwrap()).unwrap();
    (
        code,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn status_webhook(attempt: &str, status: AttemptStatus) -> Context {
    let mut webhook = Context::default();
    webhook.claim_id = Some(CLAIM.into());
    webhook.claim_attempt_id = Some(attempt.into());
    webhook.attempt_status = Some(status);
    webhook
}

/// What the scenario put in the store.
struct Held {
    token: String,
    dead_payload: String,
}

/// A claim with a confirmed number, two held and one released; a token;
/// a dead action and a due one; a done delivery.
async fn fill(store: &Store) -> Held {
    let pool = ClaimPool {
        claim_id: CLAIM,
        limit: None,
        hold: HOUR,
    };
    for attempt in ["a1", "a2", "a3", "a4"] {
        store.reserve(&pool, attempt).await.unwrap();
    }
    store.confirm(CLAIM, "a1").await.unwrap();
    store.release(CLAIM, "a3").await.unwrap();
    let token = store.issue("a1", HOUR).await.unwrap();

    let terms = ActionTerms::default();
    let success = status_webhook("a1", AttemptStatus::Success);
    enqueue_status_action(store, &success)
        .await
        .unwrap()
        .unwrap();
    let taken = store.take_due(10, &terms).await.unwrap();
    assert_eq!(taken.len(), 1);
    store
        .fail("a1:success", &taken[0].lease, Next::GiveUp, DIED_OF, &terms)
        .await
        .unwrap();
    let failure = status_webhook("a2", AttemptStatus::Failure);
    enqueue_status_action(store, &failure)
        .await
        .unwrap()
        .unwrap();

    let delivery = DeliveryTerms::default();
    let claimkit::store::Begun::Leased(lease) = store.begin("a1:success", &delivery).await.unwrap()
    else {
        panic!("a new delivery was not leased");
    };
    store
        .complete("a1:success", &lease, &delivery)
        .await
        .unwrap();
    Held {
        token,
        dead_payload: taken[0].payload.clone(),
    }
}

/// The fields of a listed action that do not move with the clock.
fn action(value: &Value) -> Value {
    json!({
        "key": value["key"],
        "state": value["state"],
        "payload": value["payload"],
        "attempts": value["attempts"],
        "last_error": value["last_error"],
        "due": value["due"],
    })
}

fn actions(value: &Value) -> Vec<Value> {
    value["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(action)
        .collect()
}

/// Lists, shows and retries on `store`, through `cli`; then a runner takes
/// the retried action to a sink.
async fn scenario(cli: Cli<'_>, store: &Store) {
    let held = fill(store).await;

    // The queue, exactly.
    let (code, dead) = cli.run(Cmd::Actions("dead")).await;
    assert_eq!(code, 0);
    assert_eq!(
        actions(&dead),
        [json!({
            "key": "a1:success", "state": "dead", "payload": held.dead_payload,
            "attempts": 1, "last_error": DIED_OF, "due": false,
        })]
    );
    let (code, due) = cli.run(Cmd::Actions("due")).await;
    assert_eq!(code, 0);
    let failure_payload = store.action("a2:failure").await.unwrap().unwrap().payload;
    assert_eq!(
        actions(&due),
        [json!({
            "key": "a2:failure", "state": "pending", "payload": failure_payload,
            "attempts": 0, "last_error": null, "due": true,
        })]
    );
    assert!(due["actions"][0]["at_ms"].as_i64().unwrap() <= 0);
    let (code, running) = cli.run(Cmd::Actions("running")).await;
    assert_eq!((code, actions(&running)), (0, vec![]));

    // The claim, exactly: 0 confirmed, 1 and 3 held, 2 released.
    let (code, claim) = cli.run(Cmd::Claim(CLAIM, Some(10))).await;
    assert_eq!(code, 0);
    let numbers: Vec<Value> = claim["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| json!([n["number"], n["attempt_id"], n["confirmed"]]))
        .collect();
    assert_eq!(
        json!([
            claim["confirmed"],
            claim["held"],
            claim["free"],
            claim["released"],
            claim["next"]
        ]),
        json!([1, 2, 7, 1, 4]),
        "{claim:#}"
    );
    assert_eq!(
        numbers,
        [
            json!([0, "a1", true]),
            json!([1, "a2", false]),
            json!([3, "a4", false])
        ]
    );
    let held_for = claim["numbers"][1]["expires_in_ms"].as_u64().unwrap();
    assert!(held_for <= 3_600_000 && held_for > 3_000_000, "{held_for}");
    let (code, unknown) = cli.run(Cmd::Claim("no-such-claim", None)).await;
    assert_eq!(
        (code, &unknown["next"], &unknown["free"]),
        (1, &json!(0), &Value::Null)
    );

    // One attempt, exactly.
    let (code, attempt) = cli.run(Cmd::Attempt("a1", Some(CLAIM))).await;
    assert_eq!(code, 0);
    assert_eq!(attempt["number"]["number"], 0);
    assert_eq!(attempt["number"]["confirmed"], true);
    assert_eq!(attempt["token"]["token"], held.token.as_str());
    assert_eq!(attempt["statuses"][0]["key"], "a1:success");
    assert_eq!(attempt["statuses"][0]["action"]["state"], "dead");
    assert_eq!(attempt["statuses"][0]["delivery"]["state"], "done");
    assert_eq!(attempt["statuses"][1]["key"], "a1:failure");
    assert_eq!(attempt["statuses"][1]["action"], Value::Null);
    assert_eq!(attempt["statuses"][1]["delivery"], Value::Null);
    let (code, _) = cli.run(Cmd::Attempt("a1", None)).await;
    assert_eq!(code, 0, "its token and action, without its claim");
    let (code, nobody) = cli.run(Cmd::Attempt("nobody", Some(CLAIM))).await;
    assert_eq!((code, &nobody["number"]), (1, &Value::Null));

    // Reading changed nothing: the due action is still due, the dead one
    // still dead, the released number still the next one handed out.
    assert_eq!(store.lowest_free(CLAIM).await.unwrap(), 2);
    assert_eq!(
        store.action("a1:success").await.unwrap().unwrap().state,
        ActionState::Dead
    );

    // Retries: only a dead action, and all of them only with --yes.
    let (code, not_dead) = cli.run(Cmd::Retry("a2:failure")).await;
    assert_eq!((code, &not_dead["state"]), (1, &json!("pending")));
    let (code, _) = cli.run(Cmd::Retry("no-such-action")).await;
    assert_eq!(code, 1);
    let (code, counted) = cli.run(Cmd::RetryAll { yes: false }).await;
    assert_eq!(code, 4);
    assert_eq!(counted["dead"], json!(["a1:success"]));
    assert_eq!(counted["retried"], json!([]));
    assert_eq!(
        store.action("a1:success").await.unwrap().unwrap().state,
        ActionState::Dead,
        "counting retried something"
    );
    let (code, retried) = cli.run(Cmd::RetryAll { yes: true }).await;
    assert_eq!((code, &retried["retried"]), (0, &json!(["a1:success"])));
    let (code, due) = cli.run(Cmd::Actions("due")).await;
    assert_eq!(code, 0);
    let keys: Vec<&Value> = due["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["key"])
        .collect();
    assert_eq!(keys.len(), 2, "{due:#}");
    assert!(keys.contains(&&json!("a1:success")) && keys.contains(&&json!("a2:failure")));
    let (code, _) = cli.run(Cmd::Retry("a1:success")).await;
    assert_eq!(code, 1, "no longer dead");
    let (code, none) = cli.run(Cmd::RetryAll { yes: false }).await;
    assert_eq!((code, &none["dead"]), (0, &json!([])), "nothing to confirm");

    // A runner delivers the retried action to a sink.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let sink = ActionSink::listen(&address).unwrap();
    let action = example_axum_plugins::PostClaimAction::new(Some(format!("http://{address}/")));
    let runner = claimkit_tokio::Runner::new(store.clone())
        .with_poll(Duration::from_millis(50))
        .start(move |due| {
            let action = action.clone();
            async move { action.run(due).await }
        });
    let arrived = tokio::task::spawn_blocking(move || {
        let arrived = sink.wait_for("a1:success", Duration::from_secs(60));
        (arrived, sink)
    })
    .await
    .unwrap();
    assert!(arrived.0, "the retried action never reached the sink");
    // Its success is recorded once the runner hears the answer.
    let mut done = Value::Null;
    for _ in 0..600 {
        let (code, listed) = cli.run(Cmd::Actions("done")).await;
        assert_eq!(code, 0);
        if listed["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["key"] == "a1:success")
        {
            done = listed;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done: Vec<Value> = actions(&done)
        .into_iter()
        .filter(|a| a["key"] == "a1:success")
        .collect();
    assert_eq!(
        done,
        [json!({
            "key": "a1:success", "state": "done", "payload": null,
            "attempts": 1, "last_error": DIED_OF, "due": false,
        })]
    );
    runner.shutdown(Duration::from_secs(5)).await;
    drop(arrived.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_memory() {
    let store = Store::memory();
    scenario(Cli::Library(&store), &store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("claimkit.db").display());
    let store = Store::connect(&url).await.unwrap();
    scenario(Cli::Binary(&url), &store).await;
}

/// The machine's server in `var`, or `None` (said on stderr) when unset.
fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("{var} is not set: CI runs these tests against a real server")
        }
        _ => {
            eprintln!("skipped: {var} is not set (`bash .ci/run` sets it; see DEVELOPERS.md)");
            None
        }
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", &claimkit::store::random_token()[..16])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    let Some(base) = server("CLAIMKIT_TEST_POSTGRES") else {
        return;
    };
    let schema = unique("ck_cli_test");
    let url = format!("{base}?schema={schema}");
    let store = Store::connect(&url).await.unwrap();
    scenario(Cli::Binary(&url), &store).await;
    let Store::Postgres(postgres) = &store else {
        unreachable!("a postgres:// URL opens PostgreSQL");
    };
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(postgres.pool())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_redis() {
    let Some(base) = server("CLAIMKIT_TEST_REDIS") else {
        return;
    };
    let prefix = unique("ck_cli_test");
    let url = format!("{base}?prefix={prefix}");
    let store = Store::connect(&url).await.unwrap();
    scenario(Cli::Binary(&url), &store).await;
    let mut connection = redis::Client::open(base.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::AsyncCommands::keys(&mut connection, format!("{prefix}:*"))
        .await
        .unwrap();
    assert!(!keys.is_empty(), "the store kept nothing under its prefix");
    let _: () = redis::AsyncCommands::del(&mut connection, keys)
        .await
        .unwrap();
}

#[test]
fn a_bad_url_is_a_usage_error_and_a_down_store_unavailable() {
    let args = ["actions".to_owned(), "dead".to_owned()];
    let (code, stdout, stderr) = claimkit("mysql://root:hunter2@db/app", &args, false);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("`mysql:`") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://:hunter2@127.0.0.1:{port}");
    let (code, stdout, stderr) = claimkit(&url, &args, false);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // A mistyped path creates nothing.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("mistyped.db");
    let (code, _, stderr) = claimkit(&format!("sqlite:{}", missing.display()), &args, false);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no SQLite store at"), "{stderr}");
    assert!(!missing.exists(), "the command created a store");

    let (code, _, stderr) = claimkit(
        "memory:",
        &["retry".to_owned(), "k".to_owned(), "--yes".to_owned()],
        false,
    );
    assert_eq!(code, 2, "--yes goes with --all: {stderr}");
}

#[tokio::test]
async fn the_table_shows_what_the_json_does() {
    let store = Store::memory();
    fill(&store).await;
    let shown = operate::list_actions(&store, Which::State(ActionState::Dead), 100)
        .await
        .unwrap();
    let lines: Vec<&str> = shown.table.lines().collect();
    assert_eq!(lines[0], "1 dead action(s)");
    assert!(
        lines[1].starts_with("KEY") && lines[1].ends_with("LAST ERROR"),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("a1:success  dead   1      forgotten in 29d 23h"),
        "{lines:?}"
    );
    assert!(lines[2].ends_with(DIED_OF), "{lines:?}");
    let shown = operate::claim(&store, CLAIM, Some(10), 50).await.unwrap();
    for line in ["  confirmed   1", "  held        2", "  free        7"] {
        assert!(
            shown.table.lines().any(|l| l == line),
            "{line:?} in\n{}",
            shown.table
        );
    }
    assert!(
        shown.table.contains("0       a1       confirmed"),
        "{}",
        shown.table
    );
}
