//! Both example servers on loopback ports, for the command's tests.
#![allow(dead_code)]

use std::net::SocketAddr;

use claimkit::{PluginConfig, Secret};

/// The Standard Webhooks secret the examples are started with.
pub(crate) const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The claimr secret the examples are started with.
pub(crate) const CLAIMR: &str = "cli-claimr-secret";
/// The private key whose public key (`WHPK`) the examples' `v1a` route
/// accepts.
pub(crate) const WHSK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// The public key of `WHSK`.
pub(crate) const WHPK: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

fn public_keys() -> Vec<claimkit::signature::PublicKey> {
    vec![WHPK.parse().unwrap()]
}

/// The axum example with `secret`.
pub(crate) async fn axum_example(secret: &str) -> SocketAddr {
    axum_example_on(secret, &claimkit_store::Store::memory()).await
}

/// The axum example with `secret`, on `store`.
pub(crate) async fn axum_example_on(secret: &str, store: &claimkit_store::Store) -> SocketAddr {
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
        public_keys: public_keys(),
    };
    let config = PluginConfig::new(Secret::new(secret).unwrap());
    parity_tests::serve::axum(example_axum_plugins::app(config, webhooks, store.clone()).unwrap())
        .await
}

/// The actix example with `secret`, on its own thread and actix runtime.
pub(crate) fn actix_example(secret: &str) -> SocketAddr {
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard: Secret::new(WHSEC).unwrap(),
        claimr: Secret::new(CLAIMR).unwrap(),
        public_keys: public_keys(),
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

/// Both examples with `secret`, checking signatures in `mode`.
pub(crate) async fn signed_examples(
    secret: &str,
    mode: claimkit::signature::SignatureMode,
) -> [(&'static str, SocketAddr); 2] {
    let webhooks = || (Secret::new(WHSEC).unwrap(), Secret::new(CLAIMR).unwrap());
    let config = || {
        PluginConfig::new(Secret::new(secret).unwrap())
            .with_signatures(claimkit::signature::RequestSignatures::new(mode))
    };
    let (standard, claimr) = webhooks();
    let axum = example_axum_plugins::app(
        config(),
        example_axum_plugins::WebhookSecrets {
            standard,
            claimr,
            public_keys: public_keys(),
        },
        claimkit_store::Store::memory(),
    )
    .unwrap();
    let (standard, claimr) = webhooks();
    let actix = example_actix_plugins::app(
        config(),
        example_actix_plugins::WebhookSecrets {
            standard,
            claimr,
            public_keys: public_keys(),
        },
        claimkit_store::Store::memory(),
    )
    .unwrap();
    [
        ("axum", parity_tests::serve::axum(axum).await),
        ("actix", parity_tests::serve::actix(actix)),
    ]
}
