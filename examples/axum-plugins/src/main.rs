//! Run with: cargo run -p example-axum-plugins
//!
//! Environment: `BIND` (default `127.0.0.1:3000`), `PLUGIN_SECRET` (a
//! development default, with a warning, when unset), `PLUGIN_SECRET_PREVIOUS`
//! (optional, also accepted during a rotation), `WEBHOOK_SECRET` (the
//! Standard Webhooks `whsec_…` secret of `/webhooks/standard`),
//! `CLAIMR_SECRET` (the secret of `/webhooks/claimr`), `STORE_URL`
//! (`memory:` or `sqlite:PATH`; default `sqlite:claimkit.db` in the working
//! directory), `RUST_LOG` (default `info`).

use std::io::IsTerminal;

use example_axum_plugins::Settings;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    let settings = Settings::from_env("127.0.0.1:3000")?;
    let listener = tokio::net::TcpListener::bind(&settings.bind).await?;
    let address = listener.local_addr()?;
    println!("claimkit axum plugins listening on http://{address}");
    println!("try: {}", settings.curl_example(address));
    let store = settings.store().await?;
    println!("store: {store}");

    axum::serve(listener, settings.app(store)?)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
