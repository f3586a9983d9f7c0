//! Every example server follows the one table.

use std::net::SocketAddr;

use claimkit::{PluginConfig, Secret, Secrets};
use parity_tests::{run, BODY_LIMIT, PREVIOUS_SECRET, SECRET};

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
    let app = example_axum_plugins::app(config());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

#[tokio::test]
async fn axum_follows_the_table() {
    let answers = run(start_axum().await).await;
    assert_eq!(answers.len(), parity_tests::cases().len());
}
