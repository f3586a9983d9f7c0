//! Two replicas of an example server on one shared store (PostgreSQL or
//! Redis), as behind a load balancer: an attempt, its retry and its status
//! webhooks may reach either. Each example's `tests/replicas.rs` runs these
//! against its own binary, on the machine's real servers.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::contract::Server;

const SECRET: &str = "replica-secret-8e21c4";

/// The real servers the replicas share.
#[derive(Debug, Clone, Copy)]
pub enum Shared {
    /// PostgreSQL, from `CLAIMKIT_TEST_POSTGRES`.
    Postgres,
    /// Redis, from `CLAIMKIT_TEST_REDIS`.
    Redis,
}

/// A schema or key prefix of one test on a shared server, removed when
/// dropped.
#[derive(Debug)]
pub struct Isolated {
    shared: Shared,
    server: String,
    name: String,
    /// The `STORE_URL` of the replicas.
    pub store_url: String,
}

impl Shared {
    fn var(self) -> &'static str {
        match self {
            Self::Postgres => "CLAIMKIT_TEST_POSTGRES",
            Self::Redis => "CLAIMKIT_TEST_REDIS",
        }
    }

    /// A schema or prefix of this test's own on the real server; `None`
    /// (saying why) when the server's variable is unset outside CI. Under
    /// CI (`CI=true`) a missing server is a failure.
    pub fn isolate(self) -> Option<Isolated> {
        let var = self.var();
        let server = match std::env::var(var) {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("{var} is not set: CI runs these tests against a real server")
            }
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: {var} is not set (`bash .ci/run` sets it; see DEVELOPERS.md)"
                );
                return None;
            }
        };
        let name = format!("ck_replicas_{}", &claimkit::store::random_token()[..16]);
        let separator = if server.contains('?') { '&' } else { '?' };
        let param = match self {
            Self::Postgres => "schema",
            Self::Redis => "prefix",
        };
        Some(Isolated {
            shared: self,
            store_url: format!("{server}{separator}{param}={name}"),
            server,
            name,
        })
    }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        let (shared, server, name) = (self.shared, self.server.clone(), self.name.clone());
        // A runtime of its own: drop may run inside or outside one.
        let cleaned = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                match shared {
                    Shared::Postgres => {
                        use sqlx::Connection;
                        let mut db = sqlx::PgConnection::connect(&server).await.unwrap();
                        sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                            .execute(&mut db)
                            .await
                            .unwrap();
                    }
                    Shared::Redis => {
                        use redis::AsyncCommands;
                        let client = redis::Client::open(server.as_str()).unwrap();
                        let mut redis = client.get_multiplexed_async_connection().await.unwrap();
                        let keys: Vec<String> = redis.keys(format!("{name}:*")).await.unwrap();
                        if !keys.is_empty() {
                            let _: () = redis.del(keys).await.unwrap();
                        }
                    }
                }
            });
        })
        .join();
        if cleaned.is_err() && !std::thread::panicking() {
            panic!("could not remove the test's schema or keys");
        }
    }
}

fn body(claim: &str, attempt: &str, status: &str) -> String {
    json!({
        "pluginSecret": SECRET,
        "claimId": claim,
        "claimAttemptId": attempt,
        "_attemptStatus": status,
        "_isSimulation": false,
    })
    .to_string()
}

async fn post(client: &reqwest::Client, url: &str, body: String) -> (u16, Value) {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Two replicas of `binary` on the store `store_url`: 200 concurrent
/// attempts on one claim, split between them, get exactly `0..200`; an
/// attempt's token is the same from either; a status webhook delivered six
/// times across both runs its action once.
pub async fn two_replicas_share_one_store(binary: &str, store_url: &str) {
    let env = [("PLUGIN_SECRET", SECRET), ("STORE_URL", store_url)];
    let replicas = [Server::start(binary, &env), Server::start(binary, &env)];
    let bases: Vec<String> = replicas.iter().map(Server::base_url).collect();
    let client = reqwest::Client::new();

    // 200 concurrent first attempts, every other one on each replica.
    let numbers = futures_util::future::join_all((0..200).map(|i| {
        let url = format!("{}/plugins/claim-number", bases[i % 2]);
        let client = client.clone();
        async move {
            post(
                &client,
                &url,
                body("drop", &format!("attempt-{i}"), "executing"),
            )
            .await
        }
    }))
    .await;
    let mut seen = BTreeSet::new();
    for (status, answer) in &numbers {
        assert_eq!(*status, 200, "{answer}");
        seen.insert(answer["claimNumber"].as_u64().expect("a number"));
    }
    assert_eq!(seen, (0..200).collect(), "numbers are not exactly 0..200");
    // Retried on the other replica, an attempt keeps its number.
    let (_, first) = &numbers[7];
    let (status, again) = post(
        &client,
        &format!("{}/plugins/claim-number", bases[0]),
        body("drop", "attempt-7", "executing"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again, *first);

    // The same attempt's token from either replica.
    let mut tokens = BTreeSet::new();
    for base in bases.iter().chain(bases.iter()) {
        let (status, answer) = post(
            &client,
            &format!("{base}/plugins/claim-token"),
            body("tokens", "attempt-token", "executing"),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        tokens.insert(answer["claimToken"].as_str().expect("a token").to_owned());
    }
    assert_eq!(
        tokens.len(),
        1,
        "the replicas gave different tokens: {tokens:?}"
    );

    // A status webhook delivered six times, to both replicas at once; the
    // platform retries a 409 (in flight) until it gets its 200.
    let deliveries = futures_util::future::join_all((0..6).map(|i| {
        let url = format!("{}/plugins/status-hook", bases[i % 2]);
        let client = client.clone();
        async move {
            // Up to 30 s: a loaded machine may take seconds over one commit.
            for _ in 0..1500 {
                let (status, answer) =
                    post(&client, &url, body("hooks", "attempt-hook", "success")).await;
                match status {
                    200 => return,
                    409 => {
                        assert!(answer["message"].is_string(), "{answer}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    other => panic!("status webhook answered {other}: {answer}"),
                }
            }
            panic!("a status webhook was never acknowledged");
        }
    }))
    .await;
    assert_eq!(deliveries.len(), 6);
    let ran = |replicas: &[Server; 2]| {
        replicas
            .iter()
            .map(|r| r.lines_with(&["side_effect", "attempt-hook"]))
            .sum::<usize>()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ran(&replicas) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        ran(&replicas),
        1,
        "the post-claim action did not run exactly once"
    );
}
