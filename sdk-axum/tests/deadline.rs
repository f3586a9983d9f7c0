//! A slow handler is answered before the platform gives up; work started
//! with `after_response` outlives the deadline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::Router;
use claimkit::{PluginConfig, Secret, Stateless};
use claimkit_axum::{after_response, plugin, plugin_with_deadline, Plugin};
use tower::ServiceExt;

const SECRET: &str = "deadline-secret";

#[derive(Clone)]
struct AppState {
    plugin: PluginConfig,
    done: Arc<AtomicBool>,
}

impl axum::extract::FromRef<AppState> for PluginConfig {
    fn from_ref(state: &AppState) -> Self {
        state.plugin.clone()
    }
}

async fn slow(State(state): State<AppState>, _: Plugin<()>) -> Stateless {
    let done = state.done.clone();
    after_response(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        done.store(true, Ordering::SeqCst);
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    Stateless
}

async fn fast(_: Plugin<()>) -> Stateless {
    Stateless
}

fn call() -> Request<Body> {
    Request::post("/")
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"pluginSecret":"{SECRET}"}}"#)))
        .unwrap()
}

/// On Tokio's paused clock: the deadline is met to the millisecond, and no
/// test waits for it in real time.
#[tokio::test(start_paused = true)]
async fn a_slow_handler_is_answered_at_the_deadline() {
    let state = AppState {
        plugin: PluginConfig::new(Secret::new(SECRET).unwrap()),
        done: Arc::default(),
    };
    let app = Router::new()
        .route("/", plugin_with_deadline(slow, Duration::from_millis(150)))
        .with_state(state.clone());
    let started = Instant::now();
    let response = app.oneshot(call()).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        elapsed,
        Duration::from_millis(150),
        "answered after {elapsed:?}"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        &body[..],
        br#"{"message":"the plugin did not answer within 0.15 s"}"#
    );

    // The post-claim work started before the deadline still completes.
    assert!(!state.done.load(Ordering::SeqCst));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        state.done.load(Ordering::SeqCst),
        "after_response work was cut off"
    );
}

#[tokio::test]
async fn a_fast_handler_is_untouched() {
    let app = Router::new()
        .route("/", plugin(fast))
        .with_state(PluginConfig::new(Secret::new(SECRET).unwrap()));
    let response = app.oneshot(call()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
