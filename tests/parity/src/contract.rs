//! The example servers' contract, checked on the real binaries:
//! environment, the printed `curl` command, post-claim actions and signed
//! webhooks that run exactly once. Each example's `tests/contract.rs` runs
//! these against its own binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;

/// A running example binary, its output captured.
#[derive(Debug)]
pub struct Server {
    child: Child,
    output: Arc<Mutex<Vec<String>>>,
    /// The threads that copy stdout and stderr into `output`; they end
    /// when the process has exited and its pipes are closed.
    readers: Vec<JoinHandle<()>>,
}

impl Server {
    /// The command that starts `binary` on a free loopback port, with no
    /// plugin secret and the memory store (so that tests never share a
    /// store file), for a test to add to.
    pub fn command(binary: &str) -> Command {
        let mut command = Command::new(binary);
        command
            .env("BIND", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .env("STORE_URL", "memory:")
            .env_remove("PLUGIN_SECRET")
            .env_remove("PLUGIN_SECRET_PREVIOUS");
        command
    }

    /// Starts `binary` on a free loopback port with `env`.
    pub fn start(binary: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Self::command(binary);
        for (key, value) in env {
            command.env(key, value);
        }
        Self::spawn(command)
    }

    /// Starts `command`, capturing its output.
    pub fn spawn(mut command: Command) -> Self {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("the example starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    output.lock().unwrap().push(line);
                }
            }));
        }
        Self {
            child,
            output,
            readers,
        }
    }

    /// Kills the process with `SIGKILL`: no clean-up of any kind runs.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the example exits");
    }

    /// Stops the process with `SIGTERM` and waits for it to exit (up to
    /// 30 s), as a process manager stops a server. Every line it wrote is
    /// in its output when this returns.
    ///
    /// # Panics
    /// When it does not exit in time.
    pub fn terminate(&mut self) {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was not sent");
        let deadline = Instant::now() + Duration::from_secs(30);
        while self
            .child
            .try_wait()
            .expect("the example's status")
            .is_none()
        {
            assert!(
                Instant::now() < deadline,
                "the example did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The pipes are closed: the readers reach their end.
        for reader in self.readers.drain(..) {
            reader.join().expect("an output reader panicked");
        }
    }

    /// The first output line holding `needle`, waiting up to 20 s.
    pub fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(line) = self
                .output
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} in {:?}",
                self.output.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The URL the server printed.
    pub fn base_url(&self) -> String {
        let line = self.wait_for("listening on ");
        line.rsplit(' ').next().unwrap().to_owned()
    }

    /// How many output lines hold every one of `needles`.
    pub fn lines_with(&self, needles: &[&str]) -> usize {
        let output = self.output.lock().unwrap();
        output
            .iter()
            .filter(|line| needles.iter().all(|n| line.contains(n)))
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The printed `curl` command succeeds against the development secret.
pub fn prints_a_curl_command_that_succeeds(binary: &str) {
    let server = Server::start(binary, &[]);
    server.base_url();
    server.wait_for("PLUGIN_SECRET is not set");
    let curl = server.wait_for("try: curl ");
    let command = curl.trim_start_matches("try: ");
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .expect("sh runs curl");
    assert!(out.status.success(), "{command}: {out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{}");
}

/// A start that cannot work (a store URL of no backend, a password in it,
/// an empty secret) ends with an error naming what is wrong, before
/// anything says "listening" or prints a command to try, and never prints
/// the password.
pub fn a_start_that_cannot_work_fails_before_listening(binary: &str) {
    for (env, expected) in [
        (
            ("STORE_URL", "mysql://app:hunter2@db.internal/app"),
            "`mysql:`",
        ),
        (("PLUGIN_SECRET", ""), "PLUGIN_SECRET is set but empty"),
        (("WEBHOOK_SECRET", ""), "WEBHOOK_SECRET is set but empty"),
    ] {
        let mut command = Server::command(binary);
        command.env(env.0, env.1);
        let out = command.output().expect("the example runs");
        assert!(!out.status.success(), "{env:?} started: {out:?}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(expected), "{env:?}: {text}");
        assert!(!text.contains("listening"), "{env:?}: {text}");
        assert!(!text.contains("try: curl"), "{env:?}: {text}");
        assert!(!text.contains("hunter2"), "{env:?}: {text}");
    }
}

/// With a real secret, the printed command reads it from the shell.
pub fn the_curl_command_reads_a_real_secret_from_the_shell(binary: &str) {
    let secret = "contract-secret-a8f3e2d1c0b9";
    let server = Server::start(binary, &[("PLUGIN_SECRET", secret)]);
    let curl = server.wait_for("try: curl ");
    assert!(
        !curl.contains(secret),
        "the printed command must not hold the secret"
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(curl.trim_start_matches("try: "))
        .env("PLUGIN_SECRET", secret)
        .output()
        .expect("sh runs curl");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{}");
    assert_eq!(server.lines_with(&["PLUGIN_SECRET is not set"]), 0);
}

/// Retried status webhooks act once; simulations and forgeries never.
pub async fn status_webhooks_run_the_post_claim_action_exactly_once(binary: &str) {
    let secret = "contract-secret-5d1e";
    let previous = "contract-previous-9c2b";
    let server = Server::start(
        binary,
        &[
            ("PLUGIN_SECRET", secret),
            ("PLUGIN_SECRET_PREVIOUS", previous),
        ],
    );
    let url = format!("{}/plugins/status-hook", server.base_url());
    let client = reqwest::Client::new();
    let post = |secret: &str, attempt: &str, status: &str, simulation: bool| {
        client
            .post(&url)
            .header("content-type", "application/json")
            .body(
                json!({
                    "pluginSecret": secret, "claimAttemptId": attempt,
                    "_attemptStatus": status, "_isSimulation": simulation,
                })
                .to_string(),
            )
            .send()
    };
    // The platform retries: three deliveries of the same webhook, one signed
    // with the previous secret, must act once. A retry that arrives while
    // the first delivery's action still runs is told to come back (409
    // {"message"}), never acknowledged before the action is done.
    for secret in [secret, secret, previous] {
        let mut tries = 0;
        let response = loop {
            let response = post(secret, "attempt-ok-1", "success", false)
                .await
                .unwrap();
            if response.status() != 409 || tries == 50 {
                break response;
            }
            let body: serde_json::Value =
                serde_json::from_str(&response.text().await.unwrap()).unwrap();
            assert!(body["message"].is_string(), "{body}");
            tries += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "{}");
    }
    post(secret, "attempt-failed-2", "failure", false)
        .await
        .unwrap();
    post(secret, "attempt-failed-2", "failure", false)
        .await
        .unwrap();
    post(secret, "attempt-sim-3", "success", true)
        .await
        .unwrap();
    post(secret, "attempt-running-4", "executing", false)
        .await
        .unwrap();
    let refused = post("wrong", "attempt-forged-5", "success", false)
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    server.wait_for("claim_attempt_id=attempt-ok-1");
    server.wait_for("claim_attempt_id=attempt-failed-2");
    // Give any duplicate time to show.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.lines_with(&[
            "side_effect",
            "claim_attempt_id=attempt-ok-1",
            "status=success"
        ]),
        1
    );
    assert_eq!(
        server.lines_with(&[
            "side_effect",
            "claim_attempt_id=attempt-failed-2",
            "status=failure"
        ]),
        1
    );
    assert_eq!(
        server.lines_with(&["side_effect", "attempt-sim-3"]),
        0,
        "simulations have no side effects"
    );
    assert_eq!(server.lines_with(&["side_effect", "attempt-running-4"]), 0);
    assert_eq!(server.lines_with(&["side_effect", "attempt-forged-5"]), 0);
    assert_eq!(
        server.lines_with(&[secret]),
        0,
        "the secret is never logged"
    );
    assert_eq!(
        server.lines_with(&[previous]),
        0,
        "the secret is never logged"
    );
    assert!(
        server.lines_with(&["previous plugin secret"]) >= 1,
        "rotation is visible to operators"
    );
}

/// Each signed delivery is processed once, however often it comes.
pub async fn each_signed_delivery_is_processed_once(binary: &str) {
    use claimkit::testing::{Fault, Signer};
    let whsec = "whsec_Y29udHJhY3Qtd2ViaG9vay1zZWNyZXQ=";
    let claimr = "contract-claimr-secret";
    let server = Server::start(
        binary,
        &[("WEBHOOK_SECRET", whsec), ("CLAIMR_SECRET", claimr)],
    );
    let base = server.base_url();
    let client = reqwest::Client::new();
    let deliver = |path: &str, headers: Vec<(String, String)>, body: &'static str| {
        let mut request = client.post(format!("{base}{path}")).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let body = r#"{"id": "claimr-msg-7", "scope": "user_reward"}"#;
    let standard = Signer::standard(whsec).unwrap().with_id("msg_contract_1");
    for _ in 0..3 {
        let response = deliver("/webhooks/standard", standard.sign(body.as_bytes()), body)
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let response = deliver(
            "/webhooks/claimr",
            Signer::claimr(claimr).sign(body.as_bytes()),
            body,
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "{}");
    }
    let forged = deliver(
        "/webhooks/standard",
        Signer::standard(whsec)
            .unwrap()
            .with_id("msg_forged")
            .with_fault(Fault::WrongSecret)
            .sign(body.as_bytes()),
        body,
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), 401);

    server.wait_for("webhook_id=msg_contract_1");
    server.wait_for("webhook_id=claimr-msg-7");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.lines_with(&["side_effect", "webhook_id=msg_contract_1"]),
        1
    );
    assert_eq!(
        server.lines_with(&[
            "side_effect",
            "webhook_id=claimr-msg-7",
            "scope=user_reward"
        ]),
        1
    );
    assert_eq!(server.lines_with(&["side_effect", "msg_forged"]), 0);
    assert_eq!(server.lines_with(&[claimr]), 0, "secrets are never logged");
    for (name, value) in standard
        .sign(body.as_bytes())
        .into_iter()
        .chain(Signer::claimr(claimr).sign(body.as_bytes()))
    {
        if name.ends_with("signature") {
            let signature = value
                .trim_start_matches("v1,")
                .trim_start_matches("sha256=");
            assert_eq!(
                server.lines_with(&[signature]),
                0,
                "signatures are never logged"
            );
        }
    }
}

/// `/webhooks/standard-ed25519` checks `v1a` signatures with the public
/// keys listed in `WEBHOOK_PUBLIC_KEYS` (two of them here, as during a
/// rotation): a delivery signed by either runs once, however often it
/// comes; another key's signature and a `v1` one are refused. Without the
/// variable the route is not served at all.
pub async fn ed25519_deliveries_follow_the_listed_public_keys(binary: &str) {
    use claimkit::testing::{KeyPair, Signer};
    let (old, new, stranger) = (
        KeyPair::generate(),
        KeyPair::generate(),
        KeyPair::generate(),
    );
    let listed = format!("{},{}", old.public_key(), new.public_key());
    let route = "/webhooks/standard-ed25519";
    let server = Server::start(binary, &[("WEBHOOK_PUBLIC_KEYS", &listed)]);
    let base = server.base_url();
    let client = reqwest::Client::new();
    let deliver = |signer: &Signer, body: &'static str| {
        let mut request = client.post(format!("{base}{route}")).body(body);
        for (name, value) in signer.sign(body.as_bytes()) {
            request = request.header(name, value);
        }
        request.send()
    };
    let body = r#"{"type": "reward.claimed"}"#;
    let by_old = Signer::standard_ed25519(&old.private_key())
        .unwrap()
        .with_id("msg_ed_old");
    let by_new = Signer::standard_ed25519(&new.private_key())
        .unwrap()
        .with_id("msg_ed_new");
    for _ in 0..3 {
        for signer in [&by_old, &by_new] {
            let response = deliver(signer, body).await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.text().await.unwrap(), "{}");
        }
    }
    let refused = [
        Signer::standard_ed25519(&stranger.private_key())
            .unwrap()
            .with_id("msg_ed_stranger"),
        Signer::standard("whsec_Y29udHJhY3Qtd2ViaG9vay1zZWNyZXQ=")
            .unwrap()
            .with_id("msg_ed_v1"),
    ];
    for signer in &refused {
        let response = deliver(signer, body).await.unwrap();
        assert_eq!(response.status(), 401, "{signer:?}");
        let answer: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert!(answer["message"].is_string(), "{answer}");
    }

    server.wait_for("webhook_id=msg_ed_old");
    server.wait_for("webhook_id=msg_ed_new");
    tokio::time::sleep(Duration::from_millis(300)).await;
    for id in ["msg_ed_old", "msg_ed_new"] {
        let processed = format!("webhook_id={id}");
        assert_eq!(server.lines_with(&["side_effect", &processed]), 1, "{id}");
    }
    for id in ["msg_ed_stranger", "msg_ed_v1"] {
        assert_eq!(server.lines_with(&["side_effect", id]), 0, "{id}");
    }
    for (name, value) in by_new.sign(body.as_bytes()) {
        if name.ends_with("signature") {
            let signature = value.trim_start_matches("v1a,");
            assert_eq!(
                server.lines_with(&[signature]),
                0,
                "signatures are never logged"
            );
        }
    }
    drop(server);

    let unkeyed = Server::start(binary, &[]);
    let response = client
        .post(format!("{}{route}", unkeyed.base_url()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "no keys, no route");
}
