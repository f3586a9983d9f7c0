//! Calls are traced with their claim fields, never with a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use claimkit::{PluginConfig, Secret, Stateless};
use claimkit_axum::{plugin, Plugin};
use tower::ServiceExt;

const SECRET: &str = "trace-secret-1b2c3d";

/// Log lines, captured.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn start(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || logs.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn calls_are_traced_without_secrets() {
    async fn allow(_: Plugin) -> Stateless {
        Stateless
    }
    let logs = Logs::default();
    let _guard = logs.start();
    let app = Router::new()
        .route("/redeem", plugin(allow))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()));
    let request = Request::get(format!(
        "/redeem?pluginSecret={SECRET}&claimId=c-7&claimAttemptId=a-7&code=OK"
    ))
    .body(Body::empty())
    .unwrap();
    assert_eq!(
        app.clone().oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
    let forged = Request::post("/redeem")
        .body(Body::from(r#"{"pluginSecret": "guess"}"#))
        .unwrap();
    assert_eq!(
        app.oneshot(forged).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let text = logs.text();
    assert!(
        text.contains(r#"plugin{method="GET" path="/redeem" claim_id="c-7" attempt_id="a-7""#),
        "{text}"
    );
    assert!(text.contains("answered status=200"), "{text}");
    assert!(
        text.contains("WARN") && text.contains("request refused"),
        "{text}"
    );
    assert!(!text.contains(SECRET) && !text.contains("guess"), "{text}");
}
