//! The 2026 platform: signed plugin requests, header inputs, `version` as a
//! number, `null` identity fields.

use std::time::{Duration, UNIX_EPOCH};

use claimkit::signature::{FixedClock, RequestSignatures, SignatureMode, Tolerance};
use claimkit::testing::{sign_request, PluginCall};
use claimkit::{ErrorKind, PluginConfig, RawInputs, Secret, Secrets, Source};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

const NOW_MS: u64 = 1_800_000_000_000;
const CURRENT: &str = "ps_0123456789abcdef0123456789abcdef";
const PREVIOUS: &str = "4f3c2b1a00ff";

/// The signature, computed here with the `hmac` crate, independently of
/// the code under test.
fn independent(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn config(mode: SignatureMode) -> PluginConfig {
    let secrets =
        Secrets::new(Secret::new(CURRENT).unwrap()).with_previous(Secret::new(PREVIOUS).unwrap());
    PluginConfig::new(secrets).with_signatures(
        RequestSignatures::new(mode)
            .with_clock(FixedClock::new(UNIX_EPOCH + Duration::from_millis(NOW_MS))),
    )
}

fn body() -> Vec<u8> {
    PluginCall::executing("a1")
        .with_secret(CURRENT)
        .with_input("code", "WELCOME")
        .json()
}

fn headers(signature: &str, timestamp: &str) -> Vec<(&'static str, String)> {
    vec![
        ("X-BitBadges-Signature", signature.to_owned()),
        ("X-BitBadges-Timestamp", timestamp.to_owned()),
        ("X-BitBadges-Version", "1".to_owned()),
    ]
}

#[test]
fn known_answers() {
    // printf '%s' '1800000000000.{"pluginSecret":"s3cret"}' | openssl dgst -sha256 -hmac s3cret
    let openssl = "b962827af4aaf7e6b0c00617834c1182ce9815104d23ac028265dd23e3a97655";
    let body = br#"{"pluginSecret":"s3cret"}"#;
    assert_eq!(independent("s3cret", "1800000000000", body), openssl);
    assert_eq!(sign_request("s3cret", NOW_MS, body)[0].1, openssl);
    let config = PluginConfig::new(Secret::new("s3cret").unwrap()).with_signatures(
        RequestSignatures::new(SignatureMode::Require)
            .with_clock(FixedClock::new(UNIX_EPOCH + Duration::from_millis(NOW_MS))),
    );
    let pasted = headers(openssl, "1800000000000");
    assert!(config.decode::<()>(Source::Body, &pasted, body).is_ok());
    let upper = headers(&openssl.to_uppercase(), "1800000000000");
    assert!(config.decode::<()>(Source::Body, &upper, body).is_ok());

    // The test kit agrees with the independent computation on a full call.
    let body = self::body();
    let kit = PluginCall::executing("a1")
        .with_secret(CURRENT)
        .with_input("code", "WELCOME")
        .signature_headers(CURRENT, NOW_MS);
    assert_eq!(kit[0].1, independent(CURRENT, "1800000000000", &body));
}

/// What each mode answers to each kind of request: `None` for accepted,
/// `Some(kind)` for refused.
#[test]
fn every_mode_and_every_case() {
    let body = body();
    let ts = NOW_MS.to_string();
    let valid = independent(CURRENT, &ts, &body);
    let stale_ts = (NOW_MS - 300_001).to_string();
    let future_ts = (NOW_MS + 300_001).to_string();
    let edge_ts = (NOW_MS - 300_000).to_string();
    let mut tampered = body.clone();
    let at = tampered.len() - 2;
    tampered[at] ^= 1;

    type Case = (&'static str, Vec<(&'static str, String)>, Vec<u8>);
    let cases: Vec<Case> = vec![
        ("valid", headers(&valid, &ts), body.clone()),
        (
            "edge of the window",
            headers(&independent(CURRENT, &edge_ts, &body), &edge_ts),
            body.clone(),
        ),
        ("tampered body", headers(&valid, &ts), tampered),
        (
            "stale",
            headers(&independent(CURRENT, &stale_ts, &body), &stale_ts),
            body.clone(),
        ),
        (
            "future",
            headers(&independent(CURRENT, &future_ts, &body), &future_ts),
            body.clone(),
        ),
        (
            "wrong key",
            headers(&independent("not-the-secret", &ts, &body), &ts),
            body.clone(),
        ),
        (
            "previous key",
            headers(&independent(PREVIOUS, &ts, &body), &ts),
            body.clone(),
        ),
        ("missing", vec![], body.clone()),
        (
            "timestamp only",
            vec![("x-bitbadges-timestamp", ts.clone())],
            body.clone(),
        ),
        (
            "signature only",
            vec![("x-bitbadges-signature", valid.clone())],
            body.clone(),
        ),
        (
            "malformed hex",
            headers(&"zz".repeat(32), &ts),
            body.clone(),
        ),
        ("truncated", headers(&valid[..32], &ts), body.clone()),
        (
            "timestamp in seconds",
            headers(&valid, "1800000000"),
            body.clone(),
        ),
        (
            "timestamp not a number",
            headers(&valid, "soon"),
            body.clone(),
        ),
        (
            "duplicated signature",
            [
                headers(&valid, &ts),
                vec![("x-bitbadges-signature", valid.clone())],
            ]
            .concat(),
            body.clone(),
        ),
        (
            "unknown version",
            {
                let mut h = headers(&valid, &ts);
                h[2].1 = "2".to_owned();
                h
            },
            body.clone(),
        ),
    ];
    use ErrorKind::{InvalidSignature as Bad, StaleTimestamp as Stale};
    let expect = |mode: SignatureMode, case: &str| -> Option<ErrorKind> {
        match (mode, case) {
            (SignatureMode::Off, _) => None,
            (_, "valid" | "edge of the window" | "previous key") => None,
            (SignatureMode::VerifyWhenPresent, "missing") => None,
            // Seconds read as milliseconds lie in 1970: stale.
            (_, "stale" | "future" | "timestamp in seconds") => Some(Stale),
            _ => Some(Bad),
        }
    };
    for mode in [
        SignatureMode::Off,
        SignatureMode::VerifyWhenPresent,
        SignatureMode::Require,
    ] {
        let config = config(mode);
        for (name, headers, body) in &cases {
            let got = config.decode::<RawInputs>(Source::Body, headers, body);
            let want = expect(mode, name);
            match (&got, want) {
                (Ok(_), None) => {}
                (Err(err), Some(kind)) => {
                    assert_eq!(err.kind(), kind, "{mode:?} {name}");
                    assert_eq!(err.status(), 401, "{mode:?} {name}");
                    let message = err.message();
                    assert!(!message.contains(&valid[..16]), "{message}");
                    assert!(!message.contains(CURRENT) && !message.contains(PREVIOUS));
                }
                // A tampered body under `Off` still decodes or fails on its
                // own merits; only signature refusals are checked here.
                (Err(err), None) if mode == SignatureMode::Off => {
                    assert_ne!(err.status(), 401, "{name}: {err}");
                }
                _ => panic!("{mode:?} {name}: got {got:?}, want {want:?}"),
            }
        }
    }
    // The previous key is reported as such.
    let previous = headers(&independent(PREVIOUS, &ts, &body), &ts);
    let request = config(SignatureMode::Require)
        .decode::<RawInputs>(Source::Body, &previous, &body)
        .unwrap();
    assert_eq!(request.inputs()["code"], "WELCOME");
}

#[test]
fn signatures_come_before_the_secret_and_after_the_size_check() {
    let config = config(SignatureMode::Require).with_body_limit(64);
    let big = vec![b' '; 65];
    let err = config
        .decode::<()>(Source::Body, &headers("00", "1"), &big)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    // Bad secret, bad signature: the signature is what is reported.
    let body = br#"{"pluginSecret":"guess"}"#;
    let ts = NOW_MS.to_string();
    let err = config
        .decode::<()>(Source::Body, &headers("00", &ts), body)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    // A valid signature does not replace the body's secret.
    let signed = headers(&independent(CURRENT, &ts, body), &ts);
    let err = config
        .decode::<()>(Source::Body, &signed, body)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSecret);
    // decode_json has no headers: refused when signatures are required.
    assert_eq!(
        self::config(SignatureMode::Require)
            .decode_json::<()>(&self::body())
            .unwrap_err()
            .status(),
        401
    );
}

#[test]
fn a_get_signs_its_query_string() {
    let config = config(SignatureMode::Require);
    let query = PluginCall::executing("a1").with_secret(CURRENT).query();
    let ts = NOW_MS.to_string();
    let signed = headers(&independent(CURRENT, &ts, query.as_bytes()), &ts);
    assert!(config
        .decode::<RawInputs>(Source::Query, &signed, query.as_bytes())
        .is_ok());
    let other = format!("{query}&extra=1");
    assert!(config
        .decode::<RawInputs>(Source::Query, &signed, other.as_bytes())
        .is_err());
}

#[test]
fn tolerance_is_configurable() {
    let secrets = Secret::new(CURRENT).unwrap();
    let clock = FixedClock::new(UNIX_EPOCH + Duration::from_millis(NOW_MS));
    let narrow = PluginConfig::new(secrets).with_signatures(
        RequestSignatures::new(SignatureMode::Require)
            .with_tolerance(Tolerance::new(Duration::from_secs(1), Duration::ZERO))
            .with_clock(clock),
    );
    let body = body();
    let at = |ms: u64| {
        let ts = ms.to_string();
        headers(&independent(CURRENT, &ts, &body), &ts)
    };
    assert!(narrow
        .decode::<()>(Source::Body, &at(NOW_MS - 1_000), &body)
        .is_ok());
    assert!(narrow
        .decode::<()>(Source::Body, &at(NOW_MS - 1_001), &body)
        .is_err());
    assert!(narrow
        .decode::<()>(Source::Body, &at(NOW_MS + 1), &body)
        .is_err());
    assert_eq!(narrow.signature_mode(), SignatureMode::Require);
    assert_eq!(
        PluginConfig::new(Secret::new("x").unwrap()).signature_mode(),
        SignatureMode::Off
    );
}

#[derive(Debug, Deserialize)]
struct KeyedInputs {
    #[serde(rename = "apiKey")]
    api_key: String,
    limit: Option<u32>,
    strict: Option<bool>,
    code: Option<String>,
}

#[test]
fn header_inputs_join_the_inputs_in_both_sources() {
    let config = PluginConfig::new(Secret::new(CURRENT).unwrap())
        .with_header_input("apiKey")
        .with_header_input("limit")
        .with_header_input("strict");
    let headers = [
        ("APIKEY", "key-from-header"),
        ("Limit", "7"),
        ("strict", "true"),
        ("x-unrelated", "1"),
    ];
    let call = PluginCall::executing("a1")
        .with_secret(CURRENT)
        .with_input("code", "WELCOME")
        .with_input("apiKey", "key-from-body");
    for (source, raw) in [
        (Source::Body, call.json()),
        (Source::Query, call.query().into_bytes()),
    ] {
        let request = config
            .decode::<KeyedInputs>(source, &headers, &raw)
            .unwrap();
        let inputs = request.inputs();
        assert_eq!(inputs.api_key, "key-from-header", "{source:?}");
        assert_eq!(inputs.limit, Some(7));
        assert_eq!(inputs.strict, Some(true));
        assert_eq!(inputs.code.as_deref(), Some("WELCOME"));
        // As raw inputs, header values stay text.
        let raw_inputs = config.decode::<RawInputs>(source, &headers, &raw).unwrap();
        assert_eq!(raw_inputs.inputs()["limit"], "7");
        assert!(raw_inputs.inputs().get("x-unrelated").is_none());
    }
    // Absent headers add nothing; the body's field is used.
    let none: [(&str, &str); 0] = [];
    let request = config
        .decode::<KeyedInputs>(Source::Body, &none, &call.json())
        .unwrap();
    assert_eq!(request.inputs().api_key, "key-from-body");
    assert_eq!(
        config.header_inputs().collect::<Vec<_>>(),
        ["apiKey", "limit", "strict"]
    );
}

#[test]
fn header_input_errors_never_show_the_value() {
    let config = PluginConfig::new(Secret::new(CURRENT).unwrap()).with_header_input("limit");
    let headers = [("limit", "hunter2-not-a-number")];
    let body = PluginCall::executing("a1")
        .with_secret(CURRENT)
        .with_input("apiKey", "k")
        .json();
    let err = config
        .decode::<KeyedInputs>(Source::Body, &headers, &body)
        .unwrap_err();
    assert_eq!(err.status(), 400);
    assert_eq!(err.field(), Some("limit"));
    assert!(!err.message().contains("hunter2"), "{}", err.message());
    // With a bad secret, the header inputs are never read.
    let forged = br#"{"pluginSecret":"guess","apiKey":"k"}"#;
    let err = config
        .decode::<KeyedInputs>(Source::Body, &headers, forged)
        .unwrap_err();
    assert_eq!(err.status(), 401);
}

#[test]
fn version_as_string_or_number_and_null_identity_fields() {
    let config = PluginConfig::new(Secret::new(CURRENT).unwrap());
    for (body, text, number) in [
        (
            r#"{"pluginSecret":"ps_0123456789abcdef0123456789abcdef","version":"0"}"#,
            "0",
            false,
        ),
        (
            r#"{"pluginSecret":"ps_0123456789abcdef0123456789abcdef","version":0}"#,
            "0",
            true,
        ),
        (
            r#"{"pluginSecret":"ps_0123456789abcdef0123456789abcdef","version":12}"#,
            "12",
            true,
        ),
    ] {
        let request = config.decode_json::<RawInputs>(body.as_bytes()).unwrap();
        assert_eq!(request.context().version(), Some(text));
        assert_eq!(
            request.context().version.as_ref().unwrap().is_number(),
            number
        );
        assert!(request.inputs().is_empty());
    }
    let query = format!("pluginSecret={CURRENT}&version=0");
    let request = config.decode_query::<RawInputs>(&query).unwrap();
    assert_eq!(request.context().version(), Some("0"));

    let body = format!(
        r#"{{"pluginSecret":"{CURRENT}","claimId":"c1","instanceId":"inst-9",
            "bitbadgesAddress":null,"ethAddress":null,"isAddressSignedIn":null,
            "version":0,"code":"x"}}"#
    );
    let request = config.decode_json::<RawInputs>(body.as_bytes()).unwrap();
    let context = request.context();
    assert_eq!(context.address(), None);
    assert_eq!(context.eth_address, None);
    assert_eq!(context.is_address_signed_in, None);
    assert_eq!(context.instance_id(), Some("inst-9"));
    assert_eq!(request.inputs().len(), 1);
    // A version that is neither is still a field error, not a panic.
    let bad = format!(r#"{{"pluginSecret":"{CURRENT}","version":true}}"#);
    let err = config.decode_json::<RawInputs>(bad.as_bytes()).unwrap_err();
    assert_eq!(err.field(), Some("version"));
}
