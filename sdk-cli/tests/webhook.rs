//! `claimkit sign` and `claimkit send`, against known answers and the
//! example server's webhook routes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;

use common::{CLAIMR, WHSEC, WHSK};

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
fn sign_prints_the_v1a_known_answer() {
    // Made with Python's `cryptography` (see sdk-core/tests/signature_v1a.rs).
    let expected = "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\n\
         webhook-signature: v1a,yoUrgEkc12aGqm0n4Sydmdz55xJfTz4AsAgieHFjmkR7LJtqVCZOQYzvvHjI5kAey+r4iaBGxTFRrl2iBQxtDQ==\n";
    // The scheme by name, or `standard` told by the `whsk_` key.
    for scheme in ["standard-ed25519", "standard"] {
        let out = claimkit(
            &[
                "sign",
                "--scheme",
                scheme,
                "--secret",
                "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "--id",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "--timestamp",
                "1614265330",
                "--data",
                "-",
            ],
            br#"{"test": 2432232314}"#,
        );
        assert!(out.status.success(), "{scheme}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{scheme}");
    }
    // A public key cannot sign; the key is not echoed.
    let out = claimkit(
        &[
            "sign",
            "--scheme",
            "standard-ed25519",
            "--secret",
            "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
            "--data",
            "-",
        ],
        b"{}",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("`whsk_` private key"), "{stderr}");
    assert!(!stderr.contains("A6EHv"), "{stderr}");
}

#[test]
fn keygen_prints_a_pair_that_signs_and_verifies() {
    use claimkit::signature::{PublicKey, StandardWebhooks, Verifier};

    let out = claimkit(&["keygen", "--scheme", "standard-ed25519"], b"");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let [private, public] = lines[..] else {
        panic!("two lines: {stdout}");
    };
    assert!(private.starts_with("whsk_") && public.starts_with("whpk_"));
    let public = PublicKey::parse(public).unwrap();
    // The private key signs (through `claimkit sign`) what the public key
    // accepts.
    let out = claimkit(
        &[
            "sign", "--scheme", "standard", "--secret", private, "--data", "-",
        ],
        b"{\"a\":1}",
    );
    assert!(out.status.success());
    let headers: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let verifier = StandardWebhooks::from_public_keys([public]).unwrap();
    assert!(verifier.verify(&headers, b"{\"a\":1}").is_ok());
    assert!(verifier.verify(&headers, b"{\"a\":2}").is_err());
    // Each run makes a new pair.
    let again = claimkit(&["keygen", "--scheme", "standard-ed25519"], b"");
    assert_ne!(again.stdout, stdout.as_bytes());
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

#[tokio::test]
async fn send_signs_v1a_for_both_example_servers() {
    let other = claimkit::testing::KeyPair::generate().private_key();
    for (framework, address) in common::examples("p").await {
        let url = format!("http://{address}/webhooks/standard-ed25519");
        let args = |secret: &str, id: &str| -> Vec<String> {
            [
                "send",
                &url,
                "--scheme",
                "standard-ed25519",
                "--secret",
                secret,
                "--id",
                id,
                "--data",
                "-",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        let event = br#"{"type": "contact.created"}"#;
        let out = send(args(WHSK, "msg_cli_v1a"), event).await;
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{framework}: {stdout}");
        assert!(
            stdout.starts_with("200 (") && stdout.ends_with("\n{}\n"),
            "{stdout}"
        );

        // Another sender's key, and a `v1` secret the route cannot check.
        let mut v1 = args(WHSEC, "msg_cli_v1");
        v1[3] = "standard".to_owned();
        for refused in [args(&other, "msg_cli_other"), v1] {
            let out = send(refused, event).await;
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert_eq!(out.status.code(), Some(1), "{framework}: {stdout}");
            assert!(
                stdout.starts_with("401 (") && stdout.contains("\"message\""),
                "{stdout}"
            );
        }
    }
}
