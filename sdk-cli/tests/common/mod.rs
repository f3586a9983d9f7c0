//! Both example servers on loopback ports, for the command's tests.
#![allow(dead_code)]

use std::net::SocketAddr;

use claimkit::{PluginConfig, Secret};

/// The Standard Webhooks secret the examples are started with.
pub(crate) const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The claimr secret the examples are started with.
pub(crate) const CLAIMR: &str = "cli-claimr-secret";

/// Serves an axum router on a free loopback port.
pub(crate) async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// The axum example with `secret`.
pub(crate) async fn axum_example(secret: &str) -> SocketAddr {
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
    };
    let config = PluginConfig::new(Secret::new(secret).unwrap());
    serve(example_axum_plugins::app(config, webhooks).unwrap()).await
}

/// The actix example with `secret`, on its own thread and actix runtime.
pub(crate) fn actix_example(secret: &str) -> SocketAddr {
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
    };
    let config = PluginConfig::new(Secret::new(secret).unwrap());
    let routes = example_actix_plugins::app(config, webhooks).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
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

/// Both examples: `("axum", address)` and `("actix", address)`.
pub(crate) async fn examples(secret: &str) -> [(&'static str, SocketAddr); 2] {
    [
        ("axum", axum_example(secret).await),
        ("actix", actix_example(secret)),
    ]
}
