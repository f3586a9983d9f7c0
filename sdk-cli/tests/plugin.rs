//! `claimkit plugin create|update` against a local mock of the BitBadges
//! API: the route, the method, the `x-api-key` header and the body; and the
//! refusal of a finalized version that contradicts what the plugin needs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::any;
use axum::Router;
use claimkit::registration::PluginVersionConfig;
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_claimkit");
const KEY: &str = "test-api-key-7c21a9f0";
const PUBLIC_URL: &str = "https://plugins.example.org";

/// One request the mock received.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    key: Option<String>,
    content_type: Option<String>,
    body: Value,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A mock API that records every request and answers `status`.
async fn mock_api(status: StatusCode) -> (SocketAddr, Log) {
    let log = Log::default();
    let record = |State((log, status)): State<(Log, StatusCode)>,
                  method: Method,
                  uri: Uri,
                  headers: HeaderMap,
                  body: String| async move {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        log.lock().unwrap().push(Seen {
            method,
            path: uri.path().to_owned(),
            key: header("x-api-key"),
            content_type: header("content-type"),
            body: serde_json::from_str(&body).unwrap_or(Value::Null),
        });
        let body = if status.is_success() {
            json!({})
        } else {
            json!({"errorMessage": "refused by the mock"})
        };
        (status, axum::Json(body))
    };
    let app = Router::new()
        .fallback(any(record))
        .with_state((log.clone(), status));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, log)
}

/// Runs `claimkit plugin ARGS` against the mock at `address`.
async fn claimkit(address: SocketAddr, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(BINARY)
            .arg("plugin")
            .args(&args)
            .env("BITBADGES_API_KEY", KEY)
            .env("BITBADGES_API_URL", format!("http://{address}"))
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The version config of an example plugin, written to a file in `dir`.
fn config_file(
    dir: &Path,
    name: &str,
    edit: impl FnOnce(&mut PluginVersionConfig),
) -> (PathBuf, PluginVersionConfig) {
    let mut config = example_axum_plugins::registration::version_config(name, PUBLIC_URL).unwrap();
    edit(&mut config);
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    (path, config)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn create_posts_the_config_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = config_file(dir.path(), "access-code", |_| {});
    let (address, log) = mock_api(StatusCode::OK).await;
    let out = claimkit(
        address,
        &[
            "create",
            "--config",
            path.to_str().unwrap(),
            "--plugin-id",
            "access-code",
            "--name",
            "Access code",
            "--description",
            "Passes with an accepted code",
            "--image",
            "https://example.org/logo.png",
            "--created-by",
            "bb1qqq",
            "--source-code",
            "https://example.org/src",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "created plugin access-code"
    );
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let request = &seen[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/api/v0/plugins");
    assert_eq!(request.key.as_deref(), Some(KEY));
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        request.body,
        json!({
            "pluginId": "access-code",
            "metadata": {
                "name": "Access code",
                "description": "Passes with an accepted code",
                "image": "https://example.org/logo.png",
                "sourceCode": "https://example.org/src",
                "createdBy": "bb1qqq",
            },
            "toPublish": false,
            "initialVersion": serde_json::to_value(&config).unwrap(),
        })
    );
    assert_eq!(
        request.body["initialVersion"]["userInputsSchema"][0]["key"],
        "code"
    );
}

#[tokio::test]
async fn update_puts_a_version_change_or_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = config_file(dir.path(), "claim-number", |_| {});
    let config = serde_json::to_value(&config).unwrap();
    let (address, log) = mock_api(StatusCode::OK).await;
    let path = path.to_str().unwrap();
    let out = claimkit(
        address,
        &[
            "update",
            "--config",
            path,
            "--plugin-id",
            "numbers",
            "--version",
            "2",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = claimkit(
        address,
        &["update", "--config", path, "--plugin-id", "numbers"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("PUT", "/api/v0/plugins")
        );
        assert_eq!(request.key.as_deref(), Some(KEY));
    }
    assert_eq!(
        seen[0].body,
        json!({"pluginId": "numbers", "versionUpdates": [{"version": 2, "config": config}]})
    );
    assert_eq!(
        seen[1].body,
        json!({"pluginId": "numbers", "versionCreate": config})
    );
}

#[tokio::test]
async fn a_finalized_version_that_contradicts_the_plugin_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = config_file(dir.path(), "claim-number", |config| {
        config.ignore_simulations = None;
        config.verification_call.as_mut().unwrap().pass_address = None;
    });
    let path = path.to_str().unwrap();
    let (address, log) = mock_api(StatusCode::OK).await;
    let create = |extra: &'static [&'static str]| {
        let mut args = vec![
            "create",
            "--config",
            path,
            "--plugin-id",
            "numbers",
            "--name",
            "Numbers",
            "--description",
            "d",
            "--image",
            "https://example.org/i.png",
            "--created-by",
            "bb1qqq",
        ];
        args.extend_from_slice(extra);
        args
    };

    let out = claimkit(address, &create(&["--finalize"])).await;
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("ignoreSimulations or verificationCall.passAddress"),
        "{message}"
    );
    assert!(message.contains("--force"), "{message}");
    assert!(log.lock().unwrap().is_empty(), "nothing is sent");

    // Not finalized: sent, with a warning.
    let out = claimkit(address, &create(&[])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: ClaimNumbers needs ignoreSimulations"));
    // Forced: sent finalized.
    let out = claimkit(address, &create(&["--finalize", "--force"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body["initialVersion"]["finalized"], false);
    assert_eq!(seen[1].body["initialVersion"]["finalized"], true);

    // Post-claim work needs status webhooks.
    let (hook, _) = config_file(dir.path(), "stateless", |_| {});
    let out = claimkit(
        address,
        &[
            "update",
            "--config",
            hook.to_str().unwrap(),
            "--plugin-id",
            "p",
            "--finalize",
            "--post-claim-work",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("receiveStatusWebhook"),
        "{}",
        stderr(&out)
    );
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn refusals_and_bad_files_are_reported_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = config_file(dir.path(), "stateless", |_| {});
    let (address, log) = mock_api(StatusCode::UNAUTHORIZED).await;
    let out = claimkit(
        address,
        &[
            "update",
            "--config",
            path.to_str().unwrap(),
            "--plugin-id",
            "p",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("refused the API key"), "{message}");
    assert!(!message.contains(KEY));
    assert_eq!(log.lock().unwrap().len(), 1);

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"finalized": false}"#).unwrap();
    let out = claimkit(
        address,
        &[
            "update",
            "--config",
            bad.to_str().unwrap(),
            "--plugin-id",
            "p",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("stateFunctionPreset"),
        "{}",
        stderr(&out)
    );
    assert_eq!(log.lock().unwrap().len(), 1, "a bad file sends nothing");
}
