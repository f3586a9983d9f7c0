//! Every example server follows the one table, and they all answer alike.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};

use claimkit::{PluginConfig, Secret, Secrets};
use claimkit_store::Store;
use parity_tests::{cases, run, serve, BODY_LIMIT, PREVIOUS_SECRET, SECRET};

/// Every log line of every server in this process, at every level.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| Capture)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// No log line, at any level, holds a configured secret.
fn assert_no_secret_logged() {
    let logs = String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned();
    assert!(logs.contains("request refused"), "the logs were captured");
    for secret in [SECRET, PREVIOUS_SECRET] {
        assert!(!logs.contains(secret), "a secret was logged");
    }
}

fn config() -> PluginConfig {
    PluginConfig::new(
        Secrets::new(Secret::new(SECRET).unwrap())
            .with_previous(Secret::new(PREVIOUS_SECRET).unwrap()),
    )
    .with_body_limit(BODY_LIMIT)
}

fn webhooks() -> (Secret, Secret) {
    (
        Secret::new("whsec_cGFyaXR5LXdlYmhvb2stc2VjcmV0").unwrap(),
        Secret::new("parity-claimr-secret").unwrap(),
    )
}

async fn start_axum(store: Store) -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    serve::axum(example_axum_plugins::app(config(), webhooks, store).unwrap()).await
}

fn start_actix(store: Store) -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    serve::actix(example_actix_plugins::app(config(), webhooks, store).unwrap())
}

/// A SQLite store on a file of its own, kept while the directory lives.
async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("parity.db").display());
    (Store::connect(&url).await.unwrap(), dir)
}

#[tokio::test]
async fn axum_follows_the_table() {
    capture_logs();
    let answers = run(start_axum(Store::memory()).await).await;
    assert_eq!(answers.len(), cases().len());
    assert_no_secret_logged();
}

#[tokio::test]
async fn axum_follows_the_table_on_sqlite() {
    let (store, _dir) = sqlite().await;
    let answers = run(start_axum(store).await).await;
    assert_eq!(answers.len(), cases().len());
}

#[tokio::test]
async fn actix_follows_the_table() {
    capture_logs();
    let answers = run(start_actix(Store::memory())).await;
    assert_eq!(answers.len(), cases().len());
    assert_no_secret_logged();
}

#[tokio::test]
async fn actix_follows_the_table_on_sqlite() {
    let (store, _dir) = sqlite().await;
    let answers = run(start_actix(store)).await;
    assert_eq!(answers.len(), cases().len());
}

#[tokio::test]
async fn axum_and_actix_answer_alike() {
    let ((axum_store, _a), (actix_store, _b)) = (sqlite().await, sqlite().await);
    let (axum, actix) = (start_axum(axum_store).await, start_actix(actix_store));
    let (axum, actix) = (run(axum).await, run(actix).await);
    assert_eq!(axum.len(), actix.len());
    for ((case, axum), actix) in cases().iter().zip(&axum).zip(&actix) {
        assert_eq!(
            axum, actix,
            "{} {} ({}): axum and actix differ",
            case.method, case.route, case.name
        );
    }
}
