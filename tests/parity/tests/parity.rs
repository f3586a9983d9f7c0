//! Every example server follows the one table, and they all answer alike.

use std::net::SocketAddr;

use claimkit::{PluginConfig, Secret, Secrets};
use parity_tests::{cases, run, BODY_LIMIT, PREVIOUS_SECRET, SECRET};

fn config() -> PluginConfig {
    PluginConfig::new(
        Secrets::new(Secret::new(SECRET).unwrap())
            .with_previous(Secret::new(PREVIOUS_SECRET).unwrap()),
    )
    .with_body_limit(BODY_LIMIT)
}

async fn start_axum() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard: Secret::new("whsec_cGFyaXR5LXdlYmhvb2stc2VjcmV0").unwrap(),
        claimr: Secret::new("parity-claimr-secret").unwrap(),
    };
    let app = example_axum_plugins::app(config(), webhooks).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Serves the actix example on a loopback port, on its own thread and actix
/// runtime, for as long as the test process runs.
fn start_actix() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard: Secret::new("whsec_cGFyaXR5LXdlYmhvb2stc2VjcmV0").unwrap(),
        claimr: Secret::new("parity-claimr-secret").unwrap(),
    };
    let routes = example_actix_plugins::app(config(), webhooks).unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || actix_web::App::new().configure(routes.clone()))
                .workers(1)
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run()
                .await
                .unwrap();
        });
    });
    address
}

#[tokio::test]
async fn axum_follows_the_table() {
    let answers = run(start_axum().await).await;
    assert_eq!(answers.len(), cases().len());
}

#[tokio::test]
async fn actix_follows_the_table() {
    let answers = run(start_actix()).await;
    assert_eq!(answers.len(), cases().len());
}

#[tokio::test]
async fn axum_and_actix_answer_alike() {
    let (axum, actix) = (start_axum().await, start_actix());
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
