//! `claimkit`: test a claim plugin the way the platform will call it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use claimkit_bitbadges::PluginMetadata;
use claimkit_cli::check::{self, CallModel, Preset, Target};
use claimkit_cli::plugin;
use claimkit_cli::webhook::{self, Scheme};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "claimkit",
    version,
    about = "Test a claim plugin the way the platform will call it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the protocol's checks against a running plugin.
    ///
    /// The calls are real: they reserve claim numbers and issue tokens in
    /// the plugin's own store, in the claim `claim-under-test` unless
    /// `--claim-id` names a throw-away one, and `--status-hooks` confirms
    /// and releases them and fires the plugin's post-claim actions (unless
    /// `--simulated-status-hooks`). Aim it at a test deployment, or at a
    /// claim of its own.
    Check(CheckArgs),
    /// Sign a webhook (with `--sign`, a plugin request) and deliver it;
    /// print the status and body.
    Send(SendArgs),
    /// Sign a webhook and print its headers, one `name: value` per line
    /// (for `curl -H @-`).
    Sign(SignArgs),
    /// Make a new signing key pair: for `standard-ed25519`, a Standard
    /// Webhooks `whsk_` private key on the first line and its `whpk_` public
    /// key on the second.
    Keygen(KeygenArgs),
    /// Register a plugin version config (the JSON the plugin's own binary
    /// prints) with the BitBadges API: `BITBADGES_API_KEY`,
    /// `BITBADGES_API_URL`.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Look at a plugin's store (`STORE_URL`): its action queue, a claim's
    /// numbers, one attempt; retry dead actions by hand.
    ///
    /// Only `retry` changes anything. Exit codes: 0 shown or done; 1 the
    /// store holds nothing of what was named, or the action is not dead;
    /// 2 a usage or configuration error; 3 the store is unavailable (try
    /// again); 4 `retry --all` without `--yes` (counted, nothing changed).
    Store(StoreArgs),
}

#[derive(clap::Args)]
struct StoreArgs {
    /// The store: `memory:`, `sqlite:PATH`, `postgres://…`, `redis://…`,
    /// as the plugin takes it.
    #[arg(long, env = "STORE_URL", hide_env_values = true, global = true)]
    store_url: Option<String>,
    /// Print one JSON document instead of a table.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Subcommand)]
enum StoreCommand {
    /// List actions: the due ones (what a runner would take now), or those
    /// in a state, with their tries and last error.
    Actions {
        /// Which actions.
        #[arg(value_enum)]
        which: WhichArg,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Make a dead action pending again, due now (its tries count from 1),
    /// or, with `--all`, every dead action: counted first, retried only
    /// with `--yes`.
    Retry {
        /// The action's key (`<claimAttemptId>:<status>` for a status
        /// webhook's).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        key: Option<String>,
        /// Every dead action (at most `--limit`).
        #[arg(long)]
        all: bool,
        /// With `--all`: retry them, instead of only counting them.
        #[arg(long)]
        yes: bool,
        /// With `--all`: at most this many.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Show a claim's numbers: confirmed, held (waiting for their status
    /// webhook), free below its bound.
    Claim {
        /// The claim (`claimId`).
        claim_id: String,
        /// The claim's bound (its `maxUses`): counts below it, and what is
        /// free.
        #[arg(long, value_name = "N")]
        max_uses: Option<u64>,
        /// List at most this many numbers.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show what the store knows about one attempt: its number, its token,
    /// its status webhooks' actions and deliveries.
    Attempt {
        /// The attempt (`claimAttemptId`).
        attempt_id: String,
        /// Its claim: numbers are kept per claim.
        #[arg(long, value_name = "ID")]
        claim_id: Option<String>,
        /// Its instance, for a plugin keyed per instance
        /// (`duplicatesAllowed`).
        #[arg(long, value_name = "ID")]
        instance_id: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum WhichArg {
    /// Pending and due, or running under an expired lease.
    Due,
    Pending,
    Running,
    Done,
    Dead,
}

#[derive(clap::Args)]
struct KeygenArgs {
    /// What to make.
    #[arg(long, value_enum)]
    scheme: KeygenScheme,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeygenScheme {
    /// A `v1a` (Ed25519) key pair: `whsk_…` for the sender, `whpk_…` for
    /// receivers (`WEBHOOK_PUBLIC_KEYS`).
    StandardEd25519,
}

#[derive(Subcommand)]
enum PluginCommand {
    /// Create a plugin with the config as its first version (`POST
    /// /api/v0/plugins`).
    Create(CreateArgs),
    /// Replace an unfinalized version's config, or add a version (`PUT
    /// /api/v0/plugins`).
    Update(UpdateArgs),
}

#[derive(clap::Args)]
struct VersionArgs {
    /// The plugin version config: a JSON file, such as the output of
    /// `example-axum-plugins config claim-number`.
    #[arg(long, value_name = "FILE")]
    config: std::path::PathBuf,
    /// The plugin's id.
    #[arg(long)]
    plugin_id: String,
    /// Send the version finalized: it can never be changed again.
    #[arg(long)]
    finalize: bool,
    /// The handler also acts on status webhooks (post-claim work): the
    /// version must receive them.
    #[arg(long)]
    post_claim_work: bool,
    /// Send a finalized version even when its flags contradict what the
    /// plugin relies on.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
struct CreateArgs {
    #[command(flatten)]
    version: VersionArgs,
    /// The plugin's name in the directory.
    #[arg(long)]
    name: String,
    /// What it does.
    #[arg(long)]
    description: String,
    /// An image URL (`ipfs://…` or `https://…`).
    #[arg(long)]
    image: String,
    /// The author's BitBadges address (`bb1…`).
    #[arg(long)]
    created_by: String,
    /// A link to its documentation.
    #[arg(long)]
    documentation: Option<String>,
    /// A link to its source code.
    #[arg(long)]
    source_code: Option<String>,
    /// Where users get help.
    #[arg(long)]
    support_link: Option<String>,
    /// List it publicly.
    #[arg(long)]
    publish: bool,
}

#[derive(clap::Args)]
struct UpdateArgs {
    #[command(flatten)]
    version: VersionArgs,
    /// The unfinalized version to replace; without it, the config becomes
    /// a new version.
    #[arg(long = "version", value_name = "N")]
    number: Option<u64>,
}

#[derive(clap::Args)]
struct SignArgs {
    /// The signing scheme.
    #[arg(long, value_enum, required_unless_present = "sign")]
    scheme: Option<SchemeArg>,
    /// Sign a BitBadges plugin request (`X-BitBadges-Signature`, the 2026
    /// docs' scheme, unconfirmed) with the plugin secret: the same as
    /// `--scheme bitbadges`.
    #[arg(long, conflicts_with = "scheme")]
    sign: bool,
    /// The signing secret (`whsec_…` for Standard Webhooks `v1`, the
    /// private key `whsk_…` for `v1a`, the plugin secret for BitBadges).
    #[arg(long, env = "WEBHOOK_SECRET", hide_env_values = true)]
    secret: String,
    /// The body: a file, or `-` for standard input. Sent byte for byte.
    #[arg(long)]
    data: String,
    /// The delivery id, for schemes that carry one in a header (default:
    /// random).
    #[arg(long)]
    id: Option<String>,
    /// The signing time, in UNIX seconds, milliseconds for BitBadges
    /// (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
}

#[derive(clap::Args)]
struct SendArgs {
    /// Where to deliver.
    url: String,
    #[command(flatten)]
    sign: SignArgs,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemeArg {
    /// A BitBadges plugin request (`X-BitBadges-Signature`).
    Bitbadges,
    /// Standard Webhooks: `v1` with a `whsec_` secret, `v1a` with a `whsk_`
    /// private key.
    Standard,
    /// Standard Webhooks `v1a` (Ed25519), with a `whsk_` private key.
    StandardEd25519,
    Claimr,
    Github,
    Stripe,
    Slack,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The plugin's URL.
    url: String,
    /// The plugin secret (`pluginSecret`).
    #[arg(long, env = "PLUGIN_SECRET", hide_env_values = true)]
    secret: String,
    /// The response preset the plugin answers with (with `--config`, the
    /// config's).
    #[arg(long, value_enum, required_unless_present = "config")]
    preset: Option<PresetArg>,
    /// The plugin version config declared for the plugin (the JSON its
    /// binary prints): the checks run with its preset, method, status
    /// webhooks and inputs, then check its flags, a call built from its
    /// schemas, and each required input refused when missing.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["preset", "method"])]
    config: Option<std::path::PathBuf>,
    /// With `--config`: the handler also acts on status webhooks.
    #[arg(long, requires = "config")]
    post_claim_work: bool,
    /// The HTTP method the plugin is configured with.
    #[arg(long, value_enum, default_value = "POST", ignore_case = true)]
    method: MethodArg,
    /// Also send `success` and `failure` status webhooks: a plugin with
    /// post-claim actions runs them for real.
    #[arg(long)]
    status_hooks: bool,
    /// Send the status webhooks as simulations (`_isSimulation: true`),
    /// which a plugin must not act on: no post-claim action runs. Implies
    /// `--status-hooks`.
    #[arg(long)]
    simulated_status_hooks: bool,
    /// The claim id of every call (default `claim-under-test`), so that a
    /// run uses a throw-away claim of the plugin's store. The `maxUses`
    /// check keeps a claim of its own.
    #[arg(long, value_name = "ID")]
    claim_id: Option<String>,
    /// Listen on HOST:PORT for the post-claim actions the status webhooks
    /// queue, and fail when one never arrives (or, with
    /// `--simulated-status-hooks`, when one does). For a plugin whose action
    /// POSTs to a URL you point here, with the action's key
    /// (`<claimAttemptId>:<status>`) in `Idempotency-Key`, as the
    /// examples' `ACTION_URL` does. Implies `--status-hooks`.
    #[arg(long, value_name = "HOST:PORT")]
    action_sink: Option<String>,
    /// An input to send with every call, as `key=value` (the value is read as
    /// JSON when it parses, as text otherwise). Repeatable.
    #[arg(long = "input", value_name = "KEY=VALUE")]
    inputs: Vec<String>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Sign every call with the plugin secret (`X-BitBadges-Signature`,
    /// the 2026 docs' scheme, unconfirmed), and check that a badly signed
    /// call is refused.
    #[arg(long)]
    sign: bool,
    /// The browser origin whose CORS preflight is checked.
    #[arg(long, default_value = claimkit::PORTAL_ORIGIN)]
    origin: String,
    /// How the platform calls the plugin: `classic` (a simulation, then the
    /// real call) or `replay` (the 2026 model: a simulation may be the only
    /// call, its answer replayed). `replay` adds checks: simultaneous
    /// simulations from different addresses must get distinct claim numbers
    /// or tokens, and, with status webhooks, a replayed attempt's `success`
    /// must settle what its address held.
    #[arg(long, value_enum, default_value = "classic")]
    model: ModelArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModelArg {
    Classic,
    Replay,
}

#[derive(Clone, Copy, ValueEnum)]
enum PresetArg {
    Stateless,
    ClaimToken,
    ClaimNumber,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "UPPER")]
enum MethodArg {
    Get,
    Post,
    Put,
    Delete,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => run_check(args),
        Command::Send(args) => run_send(args),
        Command::Sign(args) => run_sign(&args),
        Command::Keygen(args) => run_keygen(&args),
        Command::Plugin(command) => run_plugin(command),
        Command::Store(args) => run_store(args),
    }
}

fn run_store(args: StoreArgs) -> ExitCode {
    use claimkit::store::{ActionState, AttemptQuery};
    use claimkit_cli::operate::{self, Exit, Which};
    let Some(url) = args.store_url.as_deref() else {
        return fail("--store-url or STORE_URL names the store");
    };
    if let StoreCommand::Retry {
        key: Some(_),
        yes: true,
        ..
    } = &args.command
    {
        return fail("--yes confirms --all: a single key needs no confirmation");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("could not start a runtime: {err}")),
    };
    let shown = runtime.block_on(async {
        // An existing store only: a mistyped URL creates nothing.
        let store = claimkit_store::Store::connect_existing(url).await?;
        match &args.command {
            StoreCommand::Actions { which, limit } => {
                let which = match which {
                    WhichArg::Due => Which::Due,
                    WhichArg::Pending => Which::State(ActionState::Pending),
                    WhichArg::Running => Which::State(ActionState::Running),
                    WhichArg::Done => Which::State(ActionState::Done),
                    WhichArg::Dead => Which::State(ActionState::Dead),
                };
                operate::list_actions(&store, which, *limit).await
            }
            StoreCommand::Retry { key: Some(key), .. } => operate::retry(&store, key).await,
            StoreCommand::Retry {
                key: None,
                yes,
                limit,
                ..
            } => operate::retry_all(&store, *limit, *yes).await,
            StoreCommand::Claim {
                claim_id,
                max_uses,
                limit,
            } => operate::claim(&store, claim_id, *max_uses, *limit).await,
            StoreCommand::Attempt {
                attempt_id,
                claim_id,
                instance_id,
            } => {
                let query = AttemptQuery {
                    attempt_id,
                    claim_id: claim_id.as_deref(),
                    instance_id: instance_id.as_deref(),
                };
                operate::attempt(&store, &query).await
            }
        }
    });
    match shown {
        Ok(shown) => {
            if args.json {
                say(format_args!("{:#}", shown.json));
            } else {
                let _ = write!(std::io::stdout(), "{}", shown.table);
            }
            ExitCode::from(shown.exit.code())
        }
        Err(err) => {
            // The store's messages hold no URL and no password.
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ExitCode::from(Exit::of(&err).code())
        }
    }
}

fn run_plugin(command: PluginCommand) -> ExitCode {
    let args = match &command {
        PluginCommand::Create(create) => &create.version,
        PluginCommand::Update(update) => &update.version,
    };
    let mut config = match plugin::read_config(&args.config) {
        Ok(config) => config,
        Err(err) => return fail(&err),
    };
    config.finalized |= args.finalize;
    let needs = plugin::needs(&config, args.post_claim_work);
    match plugin::refuse_contradictions(&config, &needs, args.force) {
        Ok(lines) => {
            for line in lines {
                let _ = writeln!(std::io::stderr(), "warning: {line}");
            }
        }
        Err(err) => return fail(&err),
    }
    let registration = plugin::Registration {
        plugin_id: args.plugin_id.clone(),
        config,
    };
    let (request, done) = match &command {
        PluginCommand::Create(create) => {
            let metadata = PluginMetadata {
                name: create.name.clone(),
                description: create.description.clone(),
                image: create.image.clone(),
                documentation: create.documentation.clone(),
                source_code: create.source_code.clone(),
                support_link: create.support_link.clone(),
                created_by: create.created_by.clone(),
                ..PluginMetadata::default()
            };
            (
                plugin::Request::Create(registration.create(metadata, create.publish)),
                format!("created plugin {}", registration.plugin_id),
            )
        }
        PluginCommand::Update(update) => (
            plugin::Request::Update(registration.update(update.number)),
            match update.number {
                Some(number) => format!(
                    "updated version {number} of plugin {}",
                    registration.plugin_id
                ),
                None => format!("added a version to plugin {}", registration.plugin_id),
            },
        ),
    };
    match plugin::send(request) {
        Ok(()) => {
            say(done);
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Header names and values.
type Headers = Vec<(String, String)>;

/// The body and its signature headers, as a `sign` or `send` asks for.
fn signed(args: &SignArgs) -> Result<(Vec<u8>, Headers), String> {
    let body = if args.data == "-" {
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut body)
            .map_err(|err| format!("could not read standard input: {err}"))?;
        body
    } else {
        std::fs::read(&args.data).map_err(|err| format!("could not read {}: {err}", args.data))?
    };
    let scheme = match args.scheme {
        None | Some(SchemeArg::Bitbadges) => {
            let headers = webhook::plugin_request_headers(&args.secret, args.timestamp, &body);
            return Ok((body, headers));
        }
        Some(SchemeArg::Standard) if webhook::is_private_key(&args.secret) => {
            Scheme::StandardEd25519
        }
        Some(SchemeArg::Standard) => Scheme::Standard,
        Some(SchemeArg::StandardEd25519) => Scheme::StandardEd25519,
        Some(SchemeArg::Claimr) => Scheme::Claimr,
        Some(SchemeArg::Github) => Scheme::Github,
        Some(SchemeArg::Stripe) => Scheme::Stripe,
        Some(SchemeArg::Slack) => Scheme::Slack,
    };
    let signer = webhook::signer(scheme, &args.secret, args.id.as_deref(), args.timestamp)?;
    let headers = signer.sign(&body);
    Ok((body, headers))
}

fn run_sign(args: &SignArgs) -> ExitCode {
    match signed(args) {
        Ok((_, headers)) => {
            for (name, value) in headers {
                say(format_args!("{name}: {value}"));
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

fn run_keygen(args: &KeygenArgs) -> ExitCode {
    match args.scheme {
        KeygenScheme::StandardEd25519 => {
            let keys = claimkit::testing::KeyPair::generate();
            say(&*keys.private_key());
            say(keys.public_key());
            let _ = writeln!(
                std::io::stderr(),
                "The first line (whsk_) is the private key: keep it with the sender only. \
                 The second (whpk_) is the public key: give it to receivers \
                 (WEBHOOK_PUBLIC_KEYS)."
            );
        }
    }
    ExitCode::SUCCESS
}

fn run_send(args: SendArgs) -> ExitCode {
    let (body, headers) = match signed(&args.sign) {
        Ok(signed) => signed,
        Err(err) => return fail(&err),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return fail("--timeout must be a positive number of seconds");
    }
    match webhook::send_with_headers(
        &args.url,
        &headers,
        body,
        Duration::from_secs_f64(args.timeout),
    ) {
        Ok(answer) => {
            say(format_args!(
                "{} ({:.1} ms)",
                answer.status,
                answer.latency.as_secs_f64() * 1000.0
            ));
            say(String::from_utf8_lossy(&answer.body));
            if (200..300).contains(&answer.status) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "error: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(2)
}

/// Prints a line; a closed stdout (`| head`) is not an error worth a panic.
fn say(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

fn run_check(args: CheckArgs) -> ExitCode {
    let declared = match args.config.as_deref().map(plugin::read_config).transpose() {
        Ok(declared) => declared,
        Err(err) => return fail(&err),
    };
    let preset = match (args.preset, &declared) {
        (Some(PresetArg::Stateless), _) => Preset::Stateless,
        (Some(PresetArg::ClaimToken), _) => Preset::ClaimToken,
        (Some(PresetArg::ClaimNumber), _) => Preset::ClaimNumber,
        (None, Some(config)) => check::declared::preset_of(config),
        (None, None) => return fail("--preset or --config is required"),
    };
    let mut target = Target::new(&args.url, &args.secret, preset);
    target.method = match args.method {
        MethodArg::Get => "GET",
        MethodArg::Post => "POST",
        MethodArg::Put => "PUT",
        MethodArg::Delete => "DELETE",
    }
    .to_owned();
    target.simulated_hooks = args.simulated_status_hooks;
    target.status_hooks =
        args.status_hooks || args.simulated_status_hooks || args.action_sink.is_some();
    target.claim_id = args.claim_id.clone();
    target.action_sink = args.action_sink.clone();
    target.sign = args.sign;
    target.origin = args.origin.clone();
    target.model = match args.model {
        ModelArg::Classic => CallModel::Classic,
        ModelArg::Replay => CallModel::Replay,
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return fail("--timeout must be a positive number of seconds");
    }
    target.deadline = Duration::from_secs_f64(args.timeout);
    for input in &args.inputs {
        let Some((key, value)) = input.split_once('=') else {
            return fail(&format!("--input {input:?} is not KEY=VALUE"));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::from(value));
        target.inputs.push((key.to_owned(), value));
    }
    if let Some(config) = &declared {
        check::declared::apply(&mut target, config);
    }
    if !args.json {
        say(format_args!(
            "checking {} ({} {:?})",
            target.url, target.method, target.preset
        ));
    }
    let progress = |outcome: &check::Outcome| {
        if !args.json {
            say(outcome.line());
        }
    };
    let report = match &declared {
        Some(config) => check::declared::run(&target, config, args.post_claim_work, progress),
        None => check::run(&target, progress),
    };
    if args.json {
        let json = report.to_json(serde_json::json!({
            "url": target.url,
            "method": target.method,
            "preset": format!("{:?}", target.preset),
            "status_hooks": target.status_hooks,
            "simulated_status_hooks": target.simulated_hooks,
            "claim_id": target.claim_id.as_deref().unwrap_or(claimkit::testing::TEST_CLAIM_ID),
            "signed": target.sign,
            "model": format!("{:?}", target.model),
        }));
        say(format_args!("{json:#}"));
    } else {
        say(report.summary());
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
