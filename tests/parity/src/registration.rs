//! The example servers' plugin version configs, checked on the real
//! binaries: `config NAME` prints each plugin's config, the same for both
//! servers (one snapshot per plugin, in `snapshots/`), and a call built
//! from that config's input schemas is one the running plugin accepts,
//! while a call lacking any required input is refused with `400`.

use std::path::PathBuf;
use std::process::Command;

use claimkit::registration::PluginVersionConfig;
use claimkit::testing::PluginCall;

use crate::contract::Server;

/// The public URL the snapshots are printed under.
pub const PUBLIC_URL: &str = "https://plugins.example.org";

/// Where the snapshots are: `snapshots/NAME.json` beside this crate's
/// manifest. `UPDATE_SNAPSHOTS=1` rewrites them.
fn snapshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.json"))
}

/// What `binary config NAME` prints with `PUBLIC_URL`.
pub fn printed_config(binary: &str, name: &str, public_url: &str) -> String {
    let out = Command::new(binary)
        .args(["config", name])
        .env("PUBLIC_URL", public_url)
        .output()
        .expect("the example runs");
    assert!(
        out.status.success(),
        "config {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the config is UTF-8")
}

/// Each of `plugins` prints its config, equal to its snapshot, with its
/// route under `PUBLIC_URL`; the snapshots are exactly `plugins`; an
/// unknown name, a missing name and a missing or plain-HTTP `PUBLIC_URL`
/// are refused on standard error.
pub fn prints_each_plugins_config(binary: &str, plugins: &[&str]) {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for name in plugins {
        let printed = printed_config(binary, name, PUBLIC_URL);
        let config: PluginVersionConfig =
            serde_json::from_str(&printed).expect("the config reads back");
        let call = config
            .verification_call
            .as_ref()
            .expect("a verification call");
        assert_eq!(call.uri, format!("{PUBLIC_URL}/plugins/{name}"));
        let path = snapshot(name);
        if update {
            std::fs::write(&path, &printed).expect("the snapshot is written");
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("{}: {err} (UPDATE_SNAPSHOTS=1 writes it)", path.display())
        });
        assert_eq!(
            printed.trim_end(),
            expected.trim_end(),
            "{name}: the config differs from {} (UPDATE_SNAPSHOTS=1 rewrites it)",
            path.display()
        );
        let slash = printed_config(binary, name, &format!("{PUBLIC_URL}/"));
        assert_eq!(
            slash, printed,
            "a trailing slash on PUBLIC_URL changes nothing"
        );
    }
    let mut snapshots: Vec<String> = std::fs::read_dir(snapshot("x").parent().unwrap())
        .expect("the snapshots folder")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    snapshots.sort();
    let mut served: Vec<String> = plugins.iter().map(|name| (*name).to_owned()).collect();
    served.sort();
    assert_eq!(snapshots, served, "one snapshot per plugin served");

    for (args, public_url, expected) in [
        (
            &["config", "no-such-plugin"][..],
            Some(PUBLIC_URL),
            "no plugin `no-such-plugin`",
        ),
        (&["config"][..], Some(PUBLIC_URL), "usage: config NAME"),
        (&["config", plugins[0]][..], None, "PUBLIC_URL is not set"),
        (
            &["config", plugins[0]][..],
            Some("http://plugins.example.org"),
            "https://",
        ),
    ] {
        let mut command = Command::new(binary);
        command.args(args).env_remove("PUBLIC_URL");
        if let Some(url) = public_url {
            command.env("PUBLIC_URL", url);
        }
        let out = command.output().expect("the example runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// For each of `plugins`, on the running binary: an executing call built
/// from the printed config (every input with a value of its type, header
/// inputs as headers) answers `200`; the same call without any one
/// required input answers `400` with a message naming it.
pub async fn the_decoder_accepts_what_the_schema_describes(binary: &str, plugins: &[&str]) {
    let secret = "registration-secret-3e8a1f";
    let server = Server::start(binary, &[("PLUGIN_SECRET", secret)]);
    let base = server.base_url();
    let client = reqwest::Client::new();
    let mut required_seen = 0;
    for name in plugins {
        let config: PluginVersionConfig =
            serde_json::from_str(&printed_config(binary, name, PUBLIC_URL)).unwrap();
        let inputs = config.sample_inputs();
        let send = |attempt: String, skip: Option<String>| {
            let mut call = PluginCall::executing(&attempt).with_secret(secret);
            let mut request = client
                .post(format!("{base}/plugins/{name}"))
                .header("content-type", "application/json");
            for input in inputs
                .iter()
                .filter(|input| Some(&input.key) != skip.as_ref())
            {
                if input.header {
                    let text = match &input.value {
                        serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    request = request.header(input.key.as_str(), text);
                } else {
                    call = call.with_input(&input.key, input.value.clone());
                }
            }
            request.body(call.json()).send()
        };
        let answer = send(format!("registration-{name}"), None).await.unwrap();
        let status = answer.status().as_u16();
        let body = answer.text().await.unwrap();
        assert_eq!(status, 200, "{name}: a call built from its schema: {body}");
        for input in inputs.iter().filter(|input| input.required) {
            required_seen += 1;
            let attempt = format!("registration-{name}-without-{}", input.key);
            let answer = send(attempt, Some(input.key.clone())).await.unwrap();
            let status = answer.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_str(&answer.text().await.unwrap()).unwrap();
            assert_eq!(status, 400, "{name} without `{}`: {body}", input.key);
            let message = body["message"].as_str().unwrap_or_default();
            assert!(message.contains(&input.key), "{name}: {message}");
        }
    }
    assert!(
        required_seen > 0,
        "some example plugin has a required input"
    );
}
