//! `claimkit`: test a claim plugin the way the platform will call it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use claimkit_cli::check::{self, Preset, Target};
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
    /// The response preset the plugin answers with.
    #[arg(long, value_enum)]
    preset: PresetArg,
    /// The HTTP method the plugin is configured with.
    #[arg(long, value_enum, default_value = "POST", ignore_case = true)]
    method: MethodArg,
    /// Also send `success` and `failure` status webhooks.
    #[arg(long)]
    status_hooks: bool,
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
    let mut target = Target::new(
        &args.url,
        &args.secret,
        match args.preset {
            PresetArg::Stateless => Preset::Stateless,
            PresetArg::ClaimToken => Preset::ClaimToken,
            PresetArg::ClaimNumber => Preset::ClaimNumber,
        },
    );
    target.method = match args.method {
        MethodArg::Get => "GET",
        MethodArg::Post => "POST",
        MethodArg::Put => "PUT",
        MethodArg::Delete => "DELETE",
    }
    .to_owned();
    target.status_hooks = args.status_hooks;
    target.sign = args.sign;
    target.origin = args.origin.clone();
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
    if !args.json {
        say(format_args!(
            "checking {} ({} {:?})",
            target.url, target.method, target.preset
        ));
    }
    let report = check::run(&target, |outcome| {
        if !args.json {
            say(outcome.line());
        }
    });
    if args.json {
        let json = report.to_json(serde_json::json!({
            "url": target.url,
            "method": target.method,
            "preset": format!("{:?}", target.preset),
            "status_hooks": target.status_hooks,
            "signed": target.sign,
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
