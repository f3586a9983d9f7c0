//! BitBadges plugins for each response preset, served with axum: the router
//! and its state. `main.rs` reads the environment and serves it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::Router;
use claimkit::platform::CallTerms;
use claimkit::reconcile::ReconcileTerms;
use claimkit::signature::{HmacScheme, HmacVerifier, PublicKey, StandardWebhooks, WebhookGate};
use claimkit::signature::{RequestSignatures, SignatureMode};
use claimkit::store::{ActionTerms, Numbering};
use claimkit::{ErrorKind, PluginConfig, RouteOptions, Secret, Secrets};
use claimkit_axum::{plugin_with, signed_webhook, webhook};
use claimkit_store::Store;
use claimkit_tokio::{Runner, RunnerHandle};

mod access_code;
mod claim_number;
mod claim_number_with_action;
mod claim_token;
mod claimr_webhook;
mod drain;
mod feed;
mod head_clock;
mod operate;
mod platform;
mod platform_api;
mod post_claim_action;
mod prometheus;
mod reconcile;
pub mod registration;
mod serve;
mod standard_webhook;
mod stateless;
mod status_hook;

pub use access_code::{access_code, AccessCodeInputs};
pub use claim_number::claim_number;
pub use claim_number_with_action::claim_number_with_action;
pub use claim_token::claim_token;
pub use claimr_webhook::claimr_webhook;
pub use feed::{watch_claims, FeedSettings};
pub use operate::operate;
pub use platform::{route_options, signature_mode};
pub use platform_api::{platform_api, PlatformApi};
pub use post_claim_action::PostClaimAction;
pub use prometheus::{install_recorder, metrics, upkeep};
pub use reconcile::{reconciler, startup_line, Reconciliation};
pub use serve::{serve, HEAD_TIMEOUT, MAX_HEAD, MAX_HEADERS};
pub use standard_webhook::standard_webhook;
pub use stateless::stateless;
pub use status_hook::status_hook;

/// What the handlers share, behind one `Arc`: axum clones the state for
/// every call, and one reference count is the cheapest clone
/// (BENCHMARKS.md, "The plugin route's own cost"). Handlers take its parts
/// (`State<Store>`, the `Plugin` extractor's `PluginConfig`) through
/// [`FromRef`].
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// The accepted secrets and body limit.
    pub plugin: PluginConfig,
    /// Claim numbers, tokens and deliveries: the store `STORE_URL` names.
    pub store: Store,
    /// The claimr webhook's signature check and seen deliveries.
    pub claimr: Arc<WebhookGate<HmacVerifier, Store>>,
    /// The claim numbers' hold, and whether answered attempts are checked
    /// with the platform.
    pub reconciliation: Reconciliation,
}

impl AppState {
    /// The state holding `shared`.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

/// `FromRef<AppState>` for each part of [`Shared`]: a clone of the part.
macro_rules! parts {
    ($($field:ident: $part:ty,)*) => {$(
        impl FromRef<AppState> for $part {
            fn from_ref(state: &AppState) -> Self {
                state.0.$field.clone()
            }
        }
    )*};
}

parts! {
    plugin: PluginConfig,
    store: Store,
    claimr: Arc<WebhookGate<HmacVerifier, Store>>,
    reconciliation: Reconciliation,
}

/// The signing secrets of the webhook routes.
#[derive(Debug, Clone)]
pub struct WebhookSecrets {
    /// The Standard Webhooks secret (`whsec_…`).
    pub standard: Secret,
    /// The claimr hook's secret.
    pub claimr: Secret,
    /// The Standard Webhooks sender's public keys (`whpk_…`, current first)
    /// for `v1a` (Ed25519) signatures. With none, the route
    /// `/webhooks/standard-ed25519` is not served.
    pub public_keys: Vec<PublicKey>,
}

/// The gate of `/webhooks/standard-ed25519`: `v1a` signatures under
/// `public_keys`, no secret, redeliveries recognised in `store`. `None`
/// when there is no key.
fn ed25519_gate(
    public_keys: Vec<PublicKey>,
    store: &Store,
) -> Result<Option<WebhookGate<StandardWebhooks, Store>>, claimkit::Error> {
    if public_keys.is_empty() {
        return Ok(None);
    }
    let verifier = StandardWebhooks::from_public_keys(public_keys)?;
    Ok(Some(
        WebhookGate::new(verifier).with_deliveries(Arc::new(store.clone())),
    ))
}

/// The router: one plugin route per preset, each for `GET`, `POST`, `PUT`
/// and `DELETE`, a claim-number route that also queues a post-claim action
/// on `success` (`/plugins/claim-number-with-action`), and the
/// signed-webhook routes for `POST`.
///
/// # Errors
/// When a webhook secret is not a valid key (a `whsec_` secret must be
/// base64).
pub fn app(
    plugin_config: PluginConfig,
    webhooks: WebhookSecrets,
    store: Store,
) -> Result<Router, claimkit::Error> {
    app_with_routes(plugin_config, webhooks, store, &RouteOptions::new())
}

/// [`app`], with the plugin routes built with `routes` (deadline, CORS
/// origins).
///
/// # Errors
/// As [`app`].
pub fn app_with_routes(
    plugin_config: PluginConfig,
    webhooks: WebhookSecrets,
    store: Store,
    routes: &RouteOptions,
) -> Result<Router, claimkit::Error> {
    app_with(
        plugin_config,
        webhooks,
        store,
        routes,
        Reconciliation::default(),
    )
}

/// [`app_with_routes`], with the claim numbers' hold and reconciliation
/// set by `reconciliation`.
///
/// # Errors
/// As [`app`].
pub fn app_with(
    plugin_config: PluginConfig,
    webhooks: WebhookSecrets,
    store: Store,
    routes: &RouteOptions,
    reconciliation: Reconciliation,
) -> Result<Router, claimkit::Error> {
    let claimr = WebhookGate::new(HmacVerifier::new(HmacScheme::claimr(), webhooks.claimr)?)
        .with_deliveries(Arc::new(store.clone()));
    let standard = WebhookGate::new(StandardWebhooks::new(webhooks.standard)?)
        .with_deliveries(Arc::new(store.clone()));
    let ed25519 = ed25519_gate(webhooks.public_keys, &store)?;
    let state = AppState::new(Shared {
        plugin: plugin_config,
        store,
        claimr: Arc::new(claimr),
        reconciliation,
    });
    // Each plugin route's calls are counted under its name and preset.
    let named = |name, preset| routes.clone().with_name(name, preset);
    let router = Router::new()
        .route(
            "/plugins/stateless",
            plugin_with(stateless, &named("stateless", "Stateless")),
        )
        .route(
            "/plugins/claim-token",
            plugin_with(claim_token, &named("claim-token", "ClaimToken")),
        )
        .route(
            "/plugins/claim-number",
            plugin_with(claim_number, &named("claim-number", "ClaimNumbers")),
        )
        .route(
            "/plugins/claim-number-with-action",
            plugin_with(
                claim_number_with_action,
                &named("claim-number-with-action", "ClaimNumbers"),
            ),
        )
        .route(
            "/plugins/status-hook",
            plugin_with(status_hook, &named("status-hook", "Stateless")),
        )
        .route(
            "/plugins/access-code",
            plugin_with(access_code, &named("access-code", "Stateless")),
        )
        .route(
            "/webhooks/standard",
            signed_webhook(standard_webhook, standard),
        )
        .route("/webhooks/claimr", webhook(claimr_webhook));
    let router = match ed25519 {
        Some(gate) => router.route(
            "/webhooks/standard-ed25519",
            signed_webhook(standard_webhook, gate),
        ),
        None => router,
    };
    Ok(router.with_state(state))
}

/// The secret used when `PLUGIN_SECRET` is unset. Never use it in
/// production.
pub const DEVELOPMENT_SECRET: &str = "development-secret-change-me";
/// The Standard Webhooks secret used when `WEBHOOK_SECRET` is unset.
pub const DEVELOPMENT_WEBHOOK_SECRET: &str = "whsec_ZGV2ZWxvcG1lbnQtd2ViaG9vay1zZWNyZXQ=";
/// The claimr secret used when `CLAIMR_SECRET` is unset.
pub const DEVELOPMENT_CLAIMR_SECRET: &str = "development-claimr-secret";

/// The store used when `STORE_URL` is unset: a SQLite file in the working
/// directory.
pub const DEFAULT_STORE_URL: &str = "sqlite:claimkit.db";

/// Settings read from the environment.
#[derive(Debug)]
pub struct Settings {
    /// Where to listen.
    pub bind: String,
    /// The accepted plugin secrets.
    pub secrets: Secrets,
    /// Whether the development secret is in use.
    pub development_secret: bool,
    /// The webhook routes' secrets.
    pub webhooks: WebhookSecrets,
    /// How plugin requests' signature headers are checked.
    pub signatures: SignatureMode,
    /// The plugin routes' deadline and CORS origins.
    pub routes: RouteOptions,
    /// Where state is kept: `memory:`, `sqlite:PATH` or `sqlite://PATH`.
    pub store_url: String,
    /// Where the post-claim action POSTs; without one it logs instead.
    pub action_url: Option<String>,
    /// How the post-claim actions are retried and when they give up.
    pub action_terms: ActionTerms,
    /// How long running actions may finish at shutdown.
    pub shutdown_grace: Duration,
    /// How often the runner looks at an idle queue (`None`: the runner's
    /// default, [`Runner::DEFAULT_POLL`]).
    pub action_poll: Option<Duration>,
    /// The claim numbers' hold (`CLAIM_NUMBER_HOLD`) and what a simulation
    /// holds for its claim and address (`SIMULATION_HOLD`).
    pub numbering: Numbering,
    /// The BitBadges API, when `BITBADGES_API_KEY` is set: one client
    /// behind one call gate for reconciliation, the feed and the
    /// claim-number plugins. Reconciliation is on.
    pub platform: Option<PlatformApi>,
    /// The budget of calls to the API (`BITBADGES_API_BUDGET` calls a
    /// minute) and its backoff: the gate of [`platform`](Self::platform).
    pub api_calls: CallTerms,
    /// When attempts are checked (`RECONCILE_FIRST_CHECK` seconds).
    pub reconcile_terms: ReconcileTerms,
}

impl Settings {
    /// Reads `BIND`, `PLUGIN_SECRET`, `PLUGIN_SECRET_PREVIOUS`,
    /// `WEBHOOK_SECRET`, `WEBHOOK_PUBLIC_KEYS` (comma-separated `whpk_…`
    /// keys; unset, `/webhooks/standard-ed25519` is not served),
    /// `CLAIMR_SECRET`, `BITBADGES_SIGNATURES` (see
    /// [`signature_mode`]), `CORS_ORIGINS` (see [`route_options`]),
    /// `STORE_URL` (default [`DEFAULT_STORE_URL`]), `ACTION_URL`,
    /// `ACTION_GIVE_UP` (seconds; default 7 days) and
    /// `ACTION_SHUTDOWN_GRACE` (seconds; default 10), `ACTION_POLL` (seconds
    /// between looks at an idle queue; default [`Runner::DEFAULT_POLL`]),
    /// `CLAIM_NUMBER_HOLD` (seconds a reserved number waits for its
    /// outcome; default [`Numbering::DEFAULT_HOLD`]), `SIMULATION_HOLD`
    /// (seconds a simulation holds its number for its claim and address;
    /// default [`DEFAULT_SIMULATION_HOLD`](claimkit::store::DEFAULT_SIMULATION_HOLD)), `BITBADGES_API_KEY`
    /// and `BITBADGES_API_URL` (set, the claim-number and status-hook
    /// plugins reconcile), `BITBADGES_API_BUDGET` (calls a minute; default
    /// [`CallTerms::DEFAULT_BUDGET`]) and `RECONCILE_FIRST_CHECK` (seconds
    /// after the answer; default [`ReconcileTerms::DEFAULT_FIRST_CHECK`]).
    ///
    /// # Errors
    /// When a secret is set but empty, a public key is not one, a signature mode or CORS origin is
    /// not one, a number of seconds is not one, or the API key or URL is
    /// not one.
    pub fn from_env(default_bind: &str) -> Result<Self, claimkit::Error> {
        let bind = std::env::var("BIND").unwrap_or_else(|_| default_bind.to_owned());
        let (current, development_secret) = match std::env::var("PLUGIN_SECRET") {
            Ok(secret) => (secret, false),
            Err(_) => {
                tracing::warn!("PLUGIN_SECRET is not set: using the development secret; never do this in production");
                (DEVELOPMENT_SECRET.to_owned(), true)
            }
        };
        let mut secrets = Secrets::new(secret("PLUGIN_SECRET", current)?);
        if let Ok(previous) = std::env::var("PLUGIN_SECRET_PREVIOUS") {
            secrets = secrets.with_previous(secret("PLUGIN_SECRET_PREVIOUS", previous)?);
        }
        let public_keys = match std::env::var("WEBHOOK_PUBLIC_KEYS") {
            Ok(keys) if !keys.trim().is_empty() => PublicKey::parse_list(&keys).map_err(|err| {
                claimkit::Error::with_message(
                    ErrorKind::InvalidConfig,
                    format!("WEBHOOK_PUBLIC_KEYS: {err}"),
                )
            })?,
            _ => {
                tracing::info!(
                    "WEBHOOK_PUBLIC_KEYS is not set: /webhooks/standard-ed25519 is not served"
                );
                Vec::new()
            }
        };
        let webhooks = WebhookSecrets {
            standard: secret(
                "WEBHOOK_SECRET",
                env_or_development("WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET),
            )?,
            claimr: secret(
                "CLAIMR_SECRET",
                env_or_development("CLAIMR_SECRET", DEVELOPMENT_CLAIMR_SECRET),
            )?,
            public_keys,
        };
        let signatures = signature_mode(std::env::var("BITBADGES_SIGNATURES").ok().as_deref())?;
        let routes = route_options(std::env::var("CORS_ORIGINS").ok().as_deref())?;
        let store_url = std::env::var("STORE_URL").unwrap_or_else(|_| DEFAULT_STORE_URL.to_owned());
        let action_terms = ActionTerms {
            give_up: seconds("ACTION_GIVE_UP")?.unwrap_or(ActionTerms::DEFAULT_GIVE_UP),
            ..ActionTerms::default()
        };
        let numbering = Numbering::new()
            .with_hold(seconds("CLAIM_NUMBER_HOLD")?.unwrap_or(Numbering::DEFAULT_HOLD))
            .with_simulation_hold(
                seconds("SIMULATION_HOLD")?.unwrap_or(claimkit::store::DEFAULT_SIMULATION_HOLD),
            );
        let api_calls = CallTerms {
            budget: match std::env::var("BITBADGES_API_BUDGET") {
                Ok(value) => value.trim().parse().map_err(|_| {
                    claimkit::Error::with_message(
                        ErrorKind::InvalidConfig,
                        "BITBADGES_API_BUDGET must be a whole number of calls a minute",
                    )
                })?,
                Err(_) => CallTerms::DEFAULT_BUDGET,
            },
            ..CallTerms::default()
        };
        let platform = platform_api(api_calls)?;
        let reconcile_terms = ReconcileTerms {
            first_check: seconds("RECONCILE_FIRST_CHECK")?
                .unwrap_or(ReconcileTerms::DEFAULT_FIRST_CHECK),
            ..ReconcileTerms::default()
        };
        Ok(Self {
            bind,
            secrets,
            development_secret,
            webhooks,
            signatures,
            routes,
            store_url,
            action_url: std::env::var("ACTION_URL")
                .ok()
                .filter(|url| !url.is_empty()),
            action_terms,
            shutdown_grace: seconds("ACTION_SHUTDOWN_GRACE")?.unwrap_or(Duration::from_secs(10)),
            action_poll: seconds("ACTION_POLL")?,
            numbering,
            platform,
            api_calls,
            reconcile_terms,
        })
    }

    /// The router for these settings, on `store`.
    ///
    /// # Errors
    /// As [`app`].
    pub fn app(&self, store: Store) -> Result<Router, claimkit::Error> {
        app_with(
            self.plugin_config()?,
            self.webhooks.clone(),
            store,
            &self.routes,
            self.reconciliation(),
        )
    }

    /// The claim numbers' hold, and whether reconciliation is on.
    pub fn reconciliation(&self) -> Reconciliation {
        Reconciliation {
            numbering: self.numbering,
            api: self.platform.clone(),
        }
    }

    /// The start-up line that says whether reconciliation is on (never the
    /// key).
    pub fn reconciliation_line(&self) -> String {
        startup_line(
            self.platform.is_some(),
            &self.reconcile_terms,
            &self.api_calls,
            self.numbering.hold(),
        )
    }

    /// Opens the store `STORE_URL` names.
    ///
    /// # Errors
    /// As [`Store::connect`].
    pub async fn store(&self) -> Result<Store, claimkit::Error> {
        Store::connect(&self.store_url).await
    }

    /// Starts running the post-claim actions queued in `store`, and with
    /// reconciliation on its checks, until [`RunnerHandle::shutdown`].
    pub fn run_actions(&self, store: Store) -> RunnerHandle {
        let action = PostClaimAction::new(self.action_url.clone());
        let runner = Runner::new(store.clone()).with_terms(self.action_terms);
        let runner = match &self.platform {
            Some(api) => {
                runner.with_reconciler(reconciler(api.clone(), self.reconcile_terms, store))
            }
            None => runner,
        };
        let runner = match self.action_poll {
            Some(poll) => runner.with_poll(poll),
            None => runner,
        };
        runner.start(move |due| {
            let action = action.clone();
            async move { action.run(due).await }
        })
    }

    /// The plugin configuration for these settings.
    ///
    /// # Errors
    /// As [`registration::configure`].
    pub fn plugin_config(&self) -> Result<PluginConfig, claimkit::Error> {
        registration::configure(
            PluginConfig::new(self.secrets.clone())
                .with_signatures(RequestSignatures::new(self.signatures)),
        )
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

/// The secret in the variable `name`; an error naming the variable when it
/// is set but empty.
fn secret(name: &str, value: String) -> Result<Secret, claimkit::Error> {
    Secret::new(value).map_err(|err| {
        claimkit::Error::with_message(
            claimkit::ErrorKind::InvalidConfig,
            format!("{name} is set but empty: {err}"),
        )
    })
}

fn env_or_development(name: &str, development: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        tracing::warn!(
            variable = name,
            "not set: using a development secret; never do this in production"
        );
        development.to_owned()
    })
}

/// The number of seconds in the variable `name`, if it is set.
pub(crate) fn seconds(name: &str) -> Result<Option<Duration>, claimkit::Error> {
    let Ok(value) = std::env::var(name) else {
        return Ok(None);
    };
    value
        .parse::<f64>()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .map(Some)
        .ok_or_else(|| {
            claimkit::Error::with_message(
                ErrorKind::InvalidConfig,
                format!("{name} must be a number of seconds"),
            )
        })
}
