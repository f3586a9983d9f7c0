//! `claimkit`: test a claim plugin the way the platform will call it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use claimkit_cli::check::{self, Preset, Target};
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
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("could not start: {err}")),
    };
    match cli.command {
        Command::Check(args) => runtime.block_on(run_check(args)),
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

async fn run_check(args: CheckArgs) -> ExitCode {
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
    let client = match claimkit_cli::client::client() {
        Ok(client) => client,
        Err(err) => return fail(&err),
    };
    if !args.json {
        say(format_args!(
            "checking {} ({} {:?})",
            target.url, target.method, target.preset
        ));
    }
    let report = check::run(&client, &target, |outcome| {
        if !args.json {
            say(outcome.line());
        }
    })
    .await;
    if args.json {
        let json = report.to_json(serde_json::json!({
            "url": target.url,
            "method": target.method,
            "preset": format!("{:?}", target.preset),
            "status_hooks": target.status_hooks,
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
