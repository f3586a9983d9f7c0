//! Both example servers on loopback ports, for the command's tests.
#![allow(dead_code)]

use std::net::SocketAddr;

use claimkit::{PluginConfig, Secret};

/// The Standard Webhooks secret the examples are started with.
pub(crate) const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The claimr secret the examples are started with.
pub(crate) const CLAIMR: &str = "cli-claimr-secret";

/// The axum example with `secret`.
pub(crate) async fn axum_example(secret: &str) -> SocketAddr {
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
    };
    let config = PluginConfig::new(Secret::new(secret).unwrap());
    parity_tests::serve::axum(
        example_axum_plugins::app(config, webhooks, claimkit_store::Store::memory()).unwrap(),
    )
    .await
}

/// The actix example with `secret`, on its own thread and actix runtime.
pub(crate) fn actix_example(secret: &str) -> SocketAddr {
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
    };
    let config = PluginConfig::new(Secret::new(secret).unwrap());
    parity_tests::serve::actix(
        example_actix_plugins::app(config, webhooks, claimkit_store::Store::memory()).unwrap(),
    )
}

/// Both examples: `("axum", address)` and `("actix", address)`.
pub(crate) async fn examples(secret: &str) -> [(&'static str, SocketAddr); 2] {
    [
        ("axum", axum_example(secret).await),
        ("actix", actix_example(secret)),
    ]
}
