//! Both example servers, on loopback, with the 2026 settings
//! (`BITBADGES_SIGNATURES`, `CORS_ORIGINS`) read alike and answered alike.

use std::net::SocketAddr;

use claimkit::signature::{RequestSignatures, SignatureMode};
use claimkit::{PluginConfig, RouteOptions, Secret, Secrets};
use parity_tests::platform::{check_cors, check_signatures, preflight, PLUGIN_ROUTES};
use parity_tests::{serve, PREVIOUS_SECRET, SECRET};

fn config(mode: SignatureMode) -> PluginConfig {
    PluginConfig::new(
        Secrets::new(Secret::new(SECRET).unwrap())
            .with_previous(Secret::new(PREVIOUS_SECRET).unwrap()),
    )
    .with_signatures(RequestSignatures::new(mode))
}

fn webhooks() -> (Secret, Secret) {
    (
        Secret::new("whsec_cGFyaXR5LXdlYmhvb2stc2VjcmV0").unwrap(),
        Secret::new("parity-claimr-secret").unwrap(),
    )
}

async fn start_axum(mode: SignatureMode, routes: &RouteOptions) -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_axum_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    let app = example_axum_plugins::app_with_routes(
        config(mode),
        webhooks,
        claimkit_store::Store::memory(),
        routes,
    )
    .unwrap();
    serve::axum(app).await
}

fn start_actix(mode: SignatureMode, routes: &RouteOptions) -> SocketAddr {
    let (standard, claimr) = webhooks();
    let webhooks = example_actix_plugins::WebhookSecrets {
        standard,
        claimr,
        public_keys: Vec::new(),
    };
    serve::actix(
        example_actix_plugins::app_with_routes(
            config(mode),
            webhooks,
            claimkit_store::Store::memory(),
            routes,
        )
        .unwrap(),
    )
}

#[test]
fn both_examples_read_the_settings_alike() {
    for value in [
        None,
        Some("off"),
        Some("verify"),
        Some("require"),
        Some("REQUIRE"),
    ] {
        assert_eq!(
            example_axum_plugins::signature_mode(value).unwrap(),
            example_actix_plugins::signature_mode(value).unwrap(),
            "{value:?}"
        );
    }
    assert_eq!(
        example_axum_plugins::signature_mode(None).unwrap(),
        SignatureMode::Off
    );
    assert!(example_axum_plugins::signature_mode(Some("yes")).is_err());
    assert!(example_actix_plugins::signature_mode(Some("yes")).is_err());
    for value in [
        None,
        Some("https://bitbadges.io"),
        Some("https://bitbadges.io, http://localhost:5173,"),
        Some(""),
    ] {
        assert_eq!(
            example_axum_plugins::route_options(value).unwrap(),
            example_actix_plugins::route_options(value).unwrap(),
            "{value:?}"
        );
    }
    assert_eq!(
        example_axum_plugins::route_options(None)
            .unwrap()
            .cors_origins(),
        ["https://bitbadges.io"]
    );
    assert!(example_axum_plugins::route_options(Some("*")).is_err());
    assert!(example_actix_plugins::route_options(Some("*")).is_err());
}

#[tokio::test]
async fn the_portal_is_answered_by_default_and_other_origins_are_not() {
    let routes = example_axum_plugins::route_options(None).unwrap();
    let axum = start_axum(SignatureMode::Off, &routes).await;
    let actix = start_actix(SignatureMode::Off, &routes);
    for address in [axum, actix] {
        check_cors(address, "https://bitbadges.io", "https://evil.example").await;
    }
    // Both grant the same permission to the portal.
    for route in PLUGIN_ROUTES {
        let a = preflight(axum, route, "https://bitbadges.io").await;
        let b = preflight(actix, route, "https://bitbadges.io").await;
        assert_eq!(a.status, b.status, "{route}");
        assert_eq!(a.allow_origin, b.allow_origin, "{route}");
    }
}

#[tokio::test]
async fn configured_origins_replace_the_default() {
    let routes = example_axum_plugins::route_options(Some("http://localhost:5173")).unwrap();
    for address in [
        start_axum(SignatureMode::Off, &routes).await,
        start_actix(SignatureMode::Off, &routes),
    ] {
        check_cors(address, "http://localhost:5173", "https://bitbadges.io").await;
    }
}

#[tokio::test]
async fn every_signature_mode_in_both_servers() {
    let routes = RouteOptions::new();
    for mode in [
        SignatureMode::Off,
        SignatureMode::VerifyWhenPresent,
        SignatureMode::Require,
    ] {
        for address in [start_axum(mode, &routes).await, start_actix(mode, &routes)] {
            check_signatures(address, mode).await;
        }
    }
}
