//! BitBadges plugins for each response preset, served with actix-web: the
//! routes and their shared state. `main.rs` reads the environment and
//! serves them.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::web;
use claimkit::store::{MemoryClaimNumbers, MemoryClaimTokens, MemoryDedupe};
use claimkit::{PluginConfig, Secret, Secrets};
use claimkit_actix::plugin;

mod claim_number;
mod claim_token;
mod stateless;
mod status_hook;

pub use claim_number::claim_number;
pub use claim_token::claim_token;
pub use stateless::stateless;
pub use status_hook::status_hook;

/// What the handlers share, across every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The accepted secrets and body limit.
    pub plugin: PluginConfig,
    /// Tokens issued per claim attempt.
    pub tokens: Arc<MemoryClaimTokens>,
    /// Claim numbers reserved per claim attempt.
    pub numbers: Arc<MemoryClaimNumbers>,
    /// Status webhooks already acted on.
    pub seen: Arc<MemoryDedupe>,
}

/// The routes, one per preset, each for `GET`, `POST`, `PUT` and `DELETE`,
/// with their state, for `App::configure`. Build it once and clone it into
/// each worker's `App`, so that every worker shares the same stores:
///
/// ```no_run
/// # use actix_web::{App, HttpServer};
/// # use claimkit::{PluginConfig, Secret};
/// # #[actix_web::main]
/// # async fn main() -> std::io::Result<()> {
/// # let config = PluginConfig::new(Secret::new("s3cret").unwrap());
/// let routes = example_actix_plugins::app(config);
/// HttpServer::new(move || App::new().configure(routes.clone()))
///     .bind("127.0.0.1:3001")?
///     .run()
///     .await
/// # }
/// ```
pub fn app(plugin_config: PluginConfig) -> impl Fn(&mut web::ServiceConfig) + Clone + Send {
    let state = AppState {
        plugin: plugin_config,
        tokens: Arc::default(),
        numbers: Arc::default(),
        seen: Arc::default(),
    };
    move |routes: &mut web::ServiceConfig| {
        routes
            .app_data(state.plugin.clone())
            .app_data(web::Data::from(state.tokens.clone()))
            .app_data(web::Data::from(state.numbers.clone()))
            .app_data(web::Data::from(state.seen.clone()))
            .service(plugin("/plugins/stateless", stateless))
            .service(plugin("/plugins/claim-token", claim_token))
            .service(plugin("/plugins/claim-number", claim_number))
            .service(plugin("/plugins/status-hook", status_hook));
    }
}

/// The secret used when `PLUGIN_SECRET` is unset. Never use it in
/// production.
pub const DEVELOPMENT_SECRET: &str = "development-secret-change-me";

/// Settings read from the environment.
#[derive(Debug)]
pub struct Settings {
    /// Where to listen.
    pub bind: String,
    /// The accepted plugin secrets.
    pub secrets: Secrets,
    /// Whether the development secret is in use.
    pub development_secret: bool,
}

impl Settings {
    /// Reads `BIND`, `PLUGIN_SECRET` and `PLUGIN_SECRET_PREVIOUS`.
    ///
    /// # Errors
    /// When a secret is set but empty.
    pub fn from_env(default_bind: &str) -> Result<Self, claimkit::Error> {
        let bind = std::env::var("BIND").unwrap_or_else(|_| default_bind.to_owned());
        let (current, development_secret) = match std::env::var("PLUGIN_SECRET") {
            Ok(secret) => (secret, false),
            Err(_) => {
                tracing::warn!("PLUGIN_SECRET is not set: using the development secret; never do this in production");
                (DEVELOPMENT_SECRET.to_owned(), true)
            }
        };
        let mut secrets = Secrets::new(Secret::new(current)?);
        if let Ok(previous) = std::env::var("PLUGIN_SECRET_PREVIOUS") {
            secrets = secrets.with_previous(Secret::new(previous)?);
        }
        Ok(Self {
            bind,
            secrets,
            development_secret,
        })
    }

    /// The plugin configuration for these settings.
    pub fn plugin_config(&self) -> PluginConfig {
        PluginConfig::new(self.secrets.clone())
    }

    /// A `curl` command that succeeds against a server at `address`. It
    /// never prints a real secret: it reads `$PLUGIN_SECRET` from the shell.
    pub fn curl_example(&self, address: SocketAddr) -> String {
        let secret = if self.development_secret {
            DEVELOPMENT_SECRET
        } else {
            "'\"$PLUGIN_SECRET\"'"
        };
        format!(
            "curl -sS -X POST http://{address}/plugins/stateless -H 'content-type: application/json' \
             -d '{{\"pluginSecret\":\"{secret}\",\"claimId\":\"demo\",\"claimAttemptId\":\"attempt-1\",\"_attemptStatus\":\"executing\"}}'"
        )
    }
}
