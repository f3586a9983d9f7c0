//! A slow handler is answered before the platform gives up; work started
//! with `after_response` outlives the deadline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App};
use claimkit::{PluginConfig, Secret, Stateless};
use claimkit_actix::{after_response, plugin, plugin_with_deadline, Plugin};

const SECRET: &str = "deadline-secret";

async fn slow(done: web::Data<AtomicBool>, _: Plugin<()>) -> Stateless {
    let done = done.into_inner();
    after_response(async move {
        actix_web::rt::time::sleep(Duration::from_millis(400)).await;
        done.store(true, Ordering::SeqCst);
    });
    actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    Stateless
}

async fn fast(_: Plugin<()>) -> Stateless {
    Stateless
}

fn call() -> TestRequest {
    TestRequest::post()
        .uri("/")
        .insert_header(("content-type", "application/json"))
        .set_payload(format!(r#"{{"pluginSecret":"{SECRET}"}}"#))
}

/// On Tokio's paused clock: the deadline is met to the millisecond, and no
/// test waits for it in real time.
#[actix_web::test]
async fn a_slow_handler_is_answered_at_the_deadline() {
    tokio::time::pause();
    let done = Arc::new(AtomicBool::new(false));
    let app = test::init_service(
        App::new()
            .app_data(PluginConfig::new(Secret::new(SECRET).unwrap()))
            .app_data(web::Data::from(done.clone()))
            .service(plugin_with_deadline("/", slow, Duration::from_millis(150))),
    )
    .await;
    let started = Instant::now();
    let response = test::call_service(&app, call().to_request()).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // actix-web's timers tick in whole milliseconds.
    assert!(
        elapsed >= Duration::from_millis(150) && elapsed < Duration::from_millis(160),
        "answered after {elapsed:?}"
    );
    let body = test::read_body(response).await;
    assert_eq!(
        &body[..],
        br#"{"message":"the plugin did not answer within 0.15 s"}"#
    );

    // The post-claim work started before the deadline still completes.
    assert!(!done.load(Ordering::SeqCst));
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    assert!(
        done.load(Ordering::SeqCst),
        "after_response work was cut off"
    );
}

#[actix_web::test]
async fn a_fast_handler_is_untouched() {
    let app = test::init_service(
        App::new()
            .app_data(PluginConfig::new(Secret::new(SECRET).unwrap()))
            .service(plugin("/", fast)),
    )
    .await;
    let response = test::call_service(&app, call().to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
}
