//! Run with: cargo run -p example-axum-plugins
//!
//! Environment: `BIND` (default `127.0.0.1:3000`), `PLUGIN_SECRET` (a
//! development default, with a warning, when unset), `PLUGIN_SECRET_PREVIOUS`
//! (optional, also accepted during a rotation), `WEBHOOK_SECRET` (the
//! Standard Webhooks `whsec_…` secret of `/webhooks/standard`),
//! `WEBHOOK_PUBLIC_KEYS` (comma-separated `whpk_…` public keys of
//! `/webhooks/standard-ed25519`, which checks `v1a` signatures; unset, that
//! route is not served),
//! `CLAIMR_SECRET` (the secret of `/webhooks/claimr`), `BITBADGES_SIGNATURES`
//! (`off`, the default, `verify` or `require`: the plugin requests'
//! `X-BitBadges-Signature` headers), `CORS_ORIGINS` (comma-separated, default
//! `https://bitbadges.io`: who may call the plugins from a browser),
//! `STORE_URL` (`memory:`, `sqlite:PATH`, `postgres://…` or `redis://…`; default
//! `sqlite:claimkit.db` in the working directory), `ACTION_URL` (where the
//! post-claim action POSTs; unset, it logs), `ACTION_GIVE_UP` (seconds
//! before a failing action gives up; default 7 days),
//! `ACTION_SHUTDOWN_GRACE` (seconds running actions get at shutdown;
//! default 10), `BITBADGES_API_KEY` and `BITBADGES_API_URL` (the BitBadges
//! API: its key, never printed, and its base URL; set, the claim-number and
//! status-hook plugins reconcile: each attempt's outcome is read from the
//! platform's record a few seconds after the answer), `CLAIM_NUMBER_HOLD`
//! (seconds a reserved claim number waits for its outcome; default 24 h),
//! `BITBADGES_API_BUDGET` (API calls a minute, one budget and backoff
//! for reconciliation, the feed and the claim-number plugins; default
//! 120), `RECONCILE_FIRST_CHECK` (seconds after the answer; default 5),
//! `WATCH_CLAIMS`
//! (comma-separated claim ids: each new successful attempt of these claims,
//! listed through the API, queues the post-claim action under
//! `<claimAttemptId>:success`; needs `BITBADGES_API_KEY`), `FEED_INTERVAL`
//! (seconds between two listings of a watched claim; default 30),
//! `SIMULATION_HOLD` (seconds a simulation holds its number for its claim
//! and address; default 300), `METRICS` (`on`, the default, or `off`: the
//! Prometheus recorder and `/metrics`), `RUST_LOG` (default `info`).
//!
//! `example-axum-plugins config NAME` prints the plugin version config of the
//! plugin `NAME` (`claim-number`, `access-code`, ...) as JSON instead, to
//! register with `claimkit plugin create --config FILE`; its
//! `verificationCall.uri` is under `PUBLIC_URL`, the public `https://` base
//! the platform calls.
//!
//! On `SIGTERM` or Ctrl-C it stops taking requests and actions, gives the
//! running actions their grace, and leaves the rest to the next start.

use std::io::IsTerminal;

use claimkit::health::Readiness;
use example_axum_plugins::{
    install_recorder, metrics, operate, registration, upkeep, FeedSettings, Settings,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("config") {
        let public_url = std::env::var("PUBLIC_URL").ok();
        let name = args.get(1).map(String::as_str);
        match registration::plugins().config_command(name, public_url.as_deref()) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("error: {}", err.message());
                std::process::exit(2);
            }
        }
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    // The recorder before anything records: a plugin route keeps the
    // handles it makes at its first call.
    let recorder = install_recorder()?;

    let settings = Settings::from_env("127.0.0.1:3000")?;
    let feed_settings = FeedSettings::from_env()?;
    // The store first: a wrong URL or password fails the start before
    // anything says "listening".
    let store = settings.store().await?;
    println!("store: {store}");
    println!("{}", settings.reconciliation_line());
    let feed = feed_settings.start(store.clone(), settings.platform.clone())?;
    let listener = tokio::net::TcpListener::bind(&settings.bind).await?;
    let address = listener.local_addr()?;
    println!("claimkit axum plugins listening on http://{address}");
    println!("try: {}", settings.curl_example(address));

    let actions = settings.run_actions(store.clone());
    // `/readyz` answers 503 from the first signal on.
    let ready = Readiness::new(store.clone());
    let mut app = settings.app(store)?.merge(operate(ready.clone()));
    if let Some(handle) = recorder {
        tokio::spawn(upkeep(handle.clone()));
        app = app.merge(metrics(handle));
    }
    let shutdown = async move {
        shutdown_signal().await;
        ready.drain();
    };
    example_axum_plugins::serve(listener, app, shutdown).await?;
    if let Some(feed) = feed {
        feed.shutdown().await;
    }
    actions.shutdown(settings.shutdown_grace).await;
    Ok(())
}

/// `SIGTERM` or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => drop(terminate.recv().await),
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
