//! `claimkit sign` and `claimkit send`, against known answers and the
//! example server's webhook routes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;

use common::{CLAIMR, WHSEC};

fn claimkit(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimkit"))
        .args(args)
        .env_remove("WEBHOOK_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn sign_prints_the_known_answers() {
    let out = claimkit(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            WHSEC,
            "--id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "--timestamp",
            "1614265330",
            "--data",
            "-",
        ],
        br#"{"test": 2432232314}"#,
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\n\
         webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"
    );
    let out = claimkit(
        &[
            "sign",
            "--scheme",
            "github",
            "--secret",
            "It's a Secret to Everybody",
            "--data",
            "-",
        ],
        b"Hello, World!",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("x-hub-signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n"),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_one_clear_line() {
    let out = claimkit(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            "whsec_***",
            "--data",
            "-",
        ],
        b"{}",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: a Standard Webhooks secret must be `whsec_` and base64\n"
    );
    let out = claimkit(
        &[
            "sign",
            "--scheme",
            "claimr",
            "--secret",
            "x",
            "--data",
            "/no/such/file",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: could not read /no/such/file: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

async fn send(args: Vec<String>, body: &'static [u8]) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        claimkit(&args, body)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn send_round_trips_with_both_example_servers() {
    for (framework, address) in common::examples("p").await {
        let standard = format!("http://{address}/webhooks/standard");
        let claimr = format!("http://{address}/webhooks/claimr");
        let args = |url: &str, scheme: &str, secret: &str| -> Vec<String> {
            [
                "send",
                url,
                "--scheme",
                scheme,
                "--secret",
                secret,
                "--id",
                "msg_cli_1",
                "--data",
                "-",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        let event = br#"{"id": "cli-event-1", "scope": "user_activity", "event": {"type": "quest_completed"}}"#;

        for (url, scheme, secret) in [(&standard, "standard", WHSEC), (&claimr, "claimr", CLAIMR)] {
            let out = send(args(url, scheme, secret), event).await;
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert!(out.status.success(), "{framework} {scheme}: {stdout}");
            assert!(stdout.starts_with("200 ("), "{stdout}");
            assert!(stdout.ends_with("\n{}\n"), "{stdout}");
            // The same delivery again is acknowledged, still 200.
            let out = send(args(url, scheme, secret), event).await;
            assert!(out.status.success());

            let out = send(args(url, scheme, "whsec_d3Jvbmctc2VjcmV0"), event).await;
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert_eq!(out.status.code(), Some(1), "{framework}: {stdout}");
            assert!(stdout.starts_with("401 ("), "{stdout}");
            assert!(stdout.contains("\"message\""), "{stdout}");
        }
    }
}
