//! Signed webhooks: the specs' known answers, every negative case of
//! Standard Webhooks, the HMAC presets, property tests, replays, and
//! claimr's payloads.

use std::sync::Arc;

use base64::Engine as _;
use claimkit::claimr::{ClaimrEvent, EventType, Scope};
use claimkit::signature::{replay, Spawn, WebhookGate};
use claimkit::signature::{
    Encoding, FixedClock, Headers, HmacScheme, HmacVerifier, IdSource, SignedContent,
    StandardWebhooks, Tolerance, Verified, Verifier,
};
use claimkit::store::MemoryStore;
use claimkit::{Error, ErrorKind, Secret, Secrets};
use futures_executor::block_on;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

// Standard Webhooks' known answer (every reference library's tests).
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TS: u64 = 1_614_265_330;
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

// GitHub's known answer (its webhook documentation).
const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_BODY: &[u8] = b"Hello, World!";
const GH_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const CLAIMR_EVENT: &str = include_str!("fixtures/webhooks/claimr-user-activity.json");

/// HMAC-SHA256 computed here, independently of the crate, as lowercase hex.
fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn standard() -> StandardWebhooks {
    StandardWebhooks::new(Secret::new(SW_SECRET).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(SW_TS))
}

fn sw_headers(id: &str, ts: &str, sig: &str) -> Vec<(String, String)> {
    vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), ts.into()),
        ("webhook-signature".into(), sig.into()),
    ]
}

fn known() -> Vec<(String, String)> {
    sw_headers(SW_ID, &SW_TS.to_string(), SW_SIG)
}

fn without(headers: &[(String, String)], name: &str) -> Vec<(String, String)> {
    headers.iter().filter(|(n, _)| n != name).cloned().collect()
}

fn kind<'a>(result: Result<Verified<'a>, Error>) -> ErrorKind {
    result.expect_err("the delivery must be refused").kind()
}

/// A correct Standard Webhooks signature, computed independently.
fn sw_sign(key_b64: &str, id: &str, ts: u64, body: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64.trim_start_matches("whsec_"))
        .unwrap();
    let message = [format!("{id}.{ts}.").as_bytes(), body].concat();
    format!("v1,{}", hmac_base64(&key, &message))
}

// ---------------------------------------------------------------------------
// Known answers

#[test]
fn standard_webhooks_known_answer() {
    let headers = known();
    let verified = standard().verify(&headers, SW_BODY).unwrap();
    assert_eq!(verified.delivery_id(), Some(SW_ID));
    assert_eq!(verified.timestamp(), Some(SW_TS));
    assert!(verified.secret().is_current());
    // The independent signer agrees with the spec.
    assert_eq!(sw_sign(SW_SECRET, SW_ID, SW_TS, SW_BODY), SW_SIG);
}

#[test]
fn github_known_answer() {
    let verifier =
        HmacVerifier::new(HmacScheme::github(), Secret::new(GH_SECRET).unwrap()).unwrap();
    let headers = [("x-hub-signature-256", GH_SIG)];
    let verified = verifier.verify(&headers, GH_BODY).unwrap();
    assert_eq!(verified.delivery_id(), None);
    assert_eq!(verified.timestamp(), None);
    assert_eq!(
        format!("sha256={}", hmac_hex(GH_SECRET.as_bytes(), GH_BODY)),
        GH_SIG
    );
}

#[test]
fn slack_known_answer() {
    // The example of Slack's "Verifying requests from Slack".
    let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let verifier = HmacVerifier::new(
        HmacScheme::slack(),
        Secret::new("8f742231b10e8888abcd99yyyzzz85a5").unwrap(),
    )
    .unwrap()
    .with_clock(FixedClock::at_unix(1_531_420_618));
    let headers = [
        ("X-Slack-Request-Timestamp", "1531420618"),
        (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
    ];
    let verified = verifier.verify(&headers, body).unwrap();
    assert_eq!(verified.timestamp(), Some(1_531_420_618));
    assert_eq!(verified.delivery_id(), None, "a form body has no event_id");
}

// ---------------------------------------------------------------------------
// Standard Webhooks: every negative case of the spec, each on its own

#[test]
fn standard_missing_id() {
    let headers = without(&known(), "webhook-id");
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::MissingSignature
    );
}

#[test]
fn standard_missing_timestamp() {
    let headers = without(&known(), "webhook-timestamp");
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::MissingSignature
    );
}

#[test]
fn standard_missing_signature() {
    let headers = without(&known(), "webhook-signature");
    let err = standard().verify(&headers, SW_BODY).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingSignature);
    assert_eq!(err.status(), 400);
}

#[test]
fn standard_non_integer_timestamp() {
    for ts in [
        "1614265330.5",
        "abc",
        "-1614265330",
        "+1614265330",
        "1614265330 1",
    ] {
        let headers = sw_headers(SW_ID, ts, SW_SIG);
        let err = standard().verify(&headers, SW_BODY).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedSignature, "{ts}");
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn standard_timestamp_301_seconds_in_the_past() {
    let ts = SW_TS - 301;
    let headers = sw_headers(
        SW_ID,
        &ts.to_string(),
        &sw_sign(SW_SECRET, SW_ID, ts, SW_BODY),
    );
    let err = standard().verify(&headers, SW_BODY).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StaleTimestamp);
    assert_eq!(err.status(), 401);
}

#[test]
fn standard_timestamp_301_seconds_in_the_future() {
    let ts = SW_TS + 301;
    let headers = sw_headers(
        SW_ID,
        &ts.to_string(),
        &sw_sign(SW_SECRET, SW_ID, ts, SW_BODY),
    );
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::StaleTimestamp
    );
}

#[test]
fn standard_timestamp_299_seconds_either_way_passes() {
    for ts in [SW_TS - 299, SW_TS + 299, SW_TS - 300, SW_TS + 300] {
        let headers = sw_headers(
            SW_ID,
            &ts.to_string(),
            &sw_sign(SW_SECRET, SW_ID, ts, SW_BODY),
        );
        assert!(standard().verify(&headers, SW_BODY).is_ok(), "{ts}");
    }
}

#[test]
fn standard_tolerance_is_configurable_per_direction() {
    let narrow = standard().with_tolerance(Tolerance::new(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(600),
    ));
    assert_eq!(narrow.tolerance().past().as_secs(), 10);
    let sign = |ts: u64| {
        sw_headers(
            SW_ID,
            &ts.to_string(),
            &sw_sign(SW_SECRET, SW_ID, ts, SW_BODY),
        )
    };
    assert!(narrow.verify(&sign(SW_TS - 11), SW_BODY).is_err());
    assert!(narrow.verify(&sign(SW_TS + 599), SW_BODY).is_ok());
}

#[test]
fn standard_signature_v1_comma_alone() {
    for sig in ["v1,", "v1, v1,", "v1"] {
        let headers = sw_headers(SW_ID, &SW_TS.to_string(), sig);
        let err = standard().verify(&headers, SW_BODY).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature, "{sig}");
        assert_eq!(err.status(), 401);
    }
}

#[test]
fn standard_truncated_signature() {
    for len in [SW_SIG.len() - 1, SW_SIG.len() - 2, 20, 4] {
        let headers = sw_headers(SW_ID, &SW_TS.to_string(), &SW_SIG[..len]);
        assert_eq!(
            kind(standard().verify(&headers, SW_BODY)),
            ErrorKind::InvalidSignature,
            "{len}"
        );
    }
}

#[test]
fn standard_only_decoy_signatures() {
    let real = &SW_SIG[3..];
    let decoys = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,{real} v1a,{real} {real} ,{real} v1={real}"
    );
    let headers = sw_headers(SW_ID, &SW_TS.to_string(), &decoys);
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn standard_empty_secret_is_refused() {
    assert_eq!(
        Secret::new("").unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    for secret in ["whsec_", "whsec_not base64!", "%%%"] {
        let err = StandardWebhooks::new(Secret::new(secret).unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{secret}");
        assert_eq!(err.status(), 500);
    }
}

#[test]
fn standard_secret_without_prefix_and_raw_keys() {
    let bare = StandardWebhooks::new(Secret::new(&SW_SECRET[6..]).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(SW_TS));
    assert!(bare.verify(&known(), SW_BODY).is_ok());
    let key = base64::engine::general_purpose::STANDARD
        .decode(&SW_SECRET[6..])
        .unwrap();
    let raw = StandardWebhooks::from_raw_keys(Secret::new(key).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(SW_TS));
    assert!(raw.verify(&known(), SW_BODY).is_ok());
}

#[test]
fn standard_svix_header_names() {
    let headers = [
        ("svix-id", SW_ID),
        ("svix-timestamp", "1614265330"),
        ("svix-signature", SW_SIG),
    ];
    let verified = standard().verify(&headers, SW_BODY).unwrap();
    assert_eq!(verified.delivery_id(), Some(SW_ID));
    let mixed_case = [
        ("Svix-Id", SW_ID),
        ("Svix-Timestamp", "1614265330"),
        ("Svix-Signature", SW_SIG),
    ];
    assert!(standard().verify(&mixed_case, SW_BODY).is_ok());
}

#[test]
fn standard_second_of_several_signatures_matches() {
    let sig = format!("v1a,AAAA v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SW_SIG}");
    let headers = sw_headers(SW_ID, &SW_TS.to_string(), &sig);
    assert!(standard().verify(&headers, SW_BODY).is_ok());
}

#[test]
fn standard_rotation_reports_the_matching_secret() {
    let secrets = Secrets::new(Secret::new("whsec_bmV3LWtleS1uZXcta2V5LW5ldy1rZXk=").unwrap())
        .with_previous(Secret::new("whsec_b2xkLWtleQ==").unwrap())
        .with_previous(Secret::new(SW_SECRET).unwrap());
    let verifier = StandardWebhooks::new(secrets)
        .unwrap()
        .with_clock(FixedClock::at_unix(SW_TS));
    let headers = known();
    let verified = verifier.verify(&headers, SW_BODY).unwrap();
    assert_eq!(verified.secret().index(), 2);
    assert!(!verified.secret().is_current());

    let current = sw_sign("bmV3LWtleS1uZXcta2V5LW5ldy1rZXk=", SW_ID, SW_TS, SW_BODY);
    let headers = sw_headers(SW_ID, &SW_TS.to_string(), &current);
    assert!(verifier
        .verify(&headers, SW_BODY)
        .unwrap()
        .secret()
        .is_current());
}

#[test]
fn standard_non_utf8_body() {
    let body: &[u8] = &[0xff, 0xfe, 0x00, b'{', 0x80, b'}', 0xc3];
    let headers = sw_headers(SW_ID, "1614265330", &sw_sign(SW_SECRET, SW_ID, SW_TS, body));
    assert!(standard().verify(&headers, body).is_ok());
    assert!(standard().verify(&headers, &body[1..]).is_err());
}

#[test]
fn standard_duplicated_headers_are_a_bad_request() {
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut headers = known();
        let again = headers.iter().find(|(n, _)| n == name).unwrap().clone();
        headers.push(again);
        let err = standard().verify(&headers, SW_BODY).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedSignature, "{name}");
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn standard_non_ascii_headers_are_a_bad_request() {
    let headers: Vec<(&str, &[u8])> = vec![
        ("webhook-id", "msg_\u{e9}".as_bytes()),
        ("webhook-timestamp", b"1614265330"),
        ("webhook-signature", SW_SIG.as_bytes()),
    ];
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::MalformedSignature
    );
}

#[test]
fn standard_changed_id_or_timestamp_fails() {
    let headers = sw_headers("msg_other", "1614265330", SW_SIG);
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::InvalidSignature
    );
    let headers = sw_headers(SW_ID, "1614265331", SW_SIG);
    assert_eq!(
        kind(standard().verify(&headers, SW_BODY)),
        ErrorKind::InvalidSignature
    );
}

// ---------------------------------------------------------------------------
// HMAC presets, signed independently of the crate

fn verifier(scheme: HmacScheme, secret: &str, now: u64) -> HmacVerifier {
    HmacVerifier::new(scheme, Secret::new(secret).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(now))
}

const GH_DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

fn github_headers(sig: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-hub-signature-256", sig.to_owned()),
        ("x-github-delivery", GH_DELIVERY.to_owned()),
    ]
}

#[test]
fn github_sign_then_verify() {
    let body = br#"{"action":"opened","number":1}"#;
    let sig = format!("sha256={}", hmac_hex(b"gh-secret", body));
    let headers = github_headers(&sig);
    let verified = verifier(HmacScheme::github(), "gh-secret", 0)
        .verify(&headers, body)
        .unwrap();
    assert_eq!(verified.delivery_id(), Some(GH_DELIVERY));
    // Hex is read in either case.
    let upper = format!("sha256={}", hmac_hex(b"gh-secret", body).to_uppercase());
    assert!(verifier(HmacScheme::github(), "gh-secret", 0)
        .verify(&github_headers(&upper), body)
        .is_ok());
}

#[test]
fn github_wrong_secret() {
    let verifier = verifier(HmacScheme::github(), "another secret", 0);
    assert_eq!(
        kind(verifier.verify(&github_headers(GH_SIG), GH_BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn github_missing_header() {
    let verifier = verifier(HmacScheme::github(), GH_SECRET, 0);
    let headers = [("x-github-delivery", GH_DELIVERY)];
    assert_eq!(
        kind(verifier.verify(&headers, GH_BODY)),
        ErrorKind::MissingSignature
    );
}

#[test]
fn github_malformed_header() {
    let verifier = verifier(HmacScheme::github(), GH_SECRET, 0);
    // The prefix is required.
    let bare = &GH_SIG["sha256=".len()..];
    assert_eq!(
        kind(verifier.verify(&github_headers(bare), GH_BODY)),
        ErrorKind::MalformedSignature
    );
    assert_eq!(
        kind(verifier.verify(&github_headers("sha1=abcd"), GH_BODY)),
        ErrorKind::MalformedSignature
    );
    // Well-formed but not a signature.
    for bad in [
        "sha256=",
        "sha256=zz",
        "sha256=757107ea",
        &format!("{GH_SIG}00"),
    ] {
        assert_eq!(
            kind(verifier.verify(&github_headers(bad), GH_BODY)),
            ErrorKind::InvalidSignature,
            "{bad}"
        );
    }
    // The delivery header duplicated.
    let mut headers = github_headers(GH_SIG);
    headers.push(("x-github-delivery", "other".into()));
    assert_eq!(
        kind(verifier.verify(&headers, GH_BODY)),
        ErrorKind::MalformedSignature
    );
}

const STRIPE_SECRET: &str = "whsec_stripe_test_secret";
const STRIPE_BODY: &[u8] =
    br#"{"id":"evt_1NcUqd2eZvKYlo2C","object":"event","type":"invoice.paid"}"#;
const STRIPE_TS: u64 = 1_700_000_000;

fn stripe_sig(secret: &str, ts: u64, body: &[u8]) -> String {
    hmac_hex(
        secret.as_bytes(),
        &[format!("{ts}.").as_bytes(), body].concat(),
    )
}

#[test]
fn stripe_known_answer_and_sign_then_verify() {
    // Computed once with Python's hmac module.
    let expected = "35e7b350f1d46fa3fcc15ae5b576ca501d8097c1d93912eda3249ef3aee8ee06";
    assert_eq!(stripe_sig(STRIPE_SECRET, STRIPE_TS, STRIPE_BODY), expected);
    let header = format!("t={STRIPE_TS},v1={expected}");
    let headers = [("stripe-signature", header)];
    let verified = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS)
        .verify(&headers, STRIPE_BODY)
        .unwrap();
    assert_eq!(verified.delivery_id(), Some("evt_1NcUqd2eZvKYlo2C"));
    assert_eq!(verified.timestamp(), Some(STRIPE_TS));
}

#[test]
fn stripe_several_v1_values() {
    let good = stripe_sig(STRIPE_SECRET, STRIPE_TS, STRIPE_BODY);
    let decoy = stripe_sig("whsec_old", STRIPE_TS, STRIPE_BODY);
    let v = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS);
    for header in [
        format!("t={STRIPE_TS},v1={decoy},v1={good}"),
        format!("t={STRIPE_TS},v0={decoy},v1={good},v1={decoy}"),
        format!("v1={good},t={STRIPE_TS}"),
    ] {
        assert!(
            v.verify(&[("stripe-signature", header.as_str())], STRIPE_BODY)
                .is_ok(),
            "{header}"
        );
    }
    let only_decoys = format!("t={STRIPE_TS},v1={decoy},v0={good}");
    assert_eq!(
        kind(v.verify(&[("stripe-signature", only_decoys)], STRIPE_BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn stripe_wrong_secret() {
    let header = format!(
        "t={STRIPE_TS},v1={}",
        stripe_sig("whsec_other", STRIPE_TS, STRIPE_BODY)
    );
    let v = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS);
    assert_eq!(
        kind(v.verify(&[("stripe-signature", header)], STRIPE_BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn stripe_missing_header() {
    let v = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS);
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        kind(v.verify(&none, STRIPE_BODY)),
        ErrorKind::MissingSignature
    );
}

#[test]
fn stripe_malformed_header() {
    let good = stripe_sig(STRIPE_SECRET, STRIPE_TS, STRIPE_BODY);
    let v = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS);
    for header in [
        format!("v1={good}"),
        format!("t=,v1={good}"),
        format!("t=soon,v1={good}"),
        format!("t={STRIPE_TS},t={STRIPE_TS},v1={good}"),
    ] {
        assert_eq!(
            kind(v.verify(&[("stripe-signature", header.as_str())], STRIPE_BODY)),
            ErrorKind::MalformedSignature,
            "{header}"
        );
    }
}

#[test]
fn stripe_stale_timestamp() {
    let ts = STRIPE_TS - 301;
    let header = format!("t={ts},v1={}", stripe_sig(STRIPE_SECRET, ts, STRIPE_BODY));
    let v = verifier(HmacScheme::stripe(), STRIPE_SECRET, STRIPE_TS);
    assert_eq!(
        kind(v.verify(&[("stripe-signature", header)], STRIPE_BODY)),
        ErrorKind::StaleTimestamp
    );
}

const SLACK_SECRET: &str = "slack-signing-secret";
const SLACK_BODY: &[u8] =
    br#"{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention"}}"#;

fn slack_headers(secret: &str, ts: u64, body: &[u8]) -> Vec<(&'static str, String)> {
    let message = [format!("v0:{ts}:").as_bytes(), body].concat();
    vec![
        (
            "x-slack-signature",
            format!("v0={}", hmac_hex(secret.as_bytes(), &message)),
        ),
        ("x-slack-request-timestamp", ts.to_string()),
    ]
}

#[test]
fn slack_sign_then_verify() {
    let headers = slack_headers(SLACK_SECRET, 1_700_000_000, SLACK_BODY);
    let verified = verifier(HmacScheme::slack(), SLACK_SECRET, 1_700_000_000)
        .verify(&headers, SLACK_BODY)
        .unwrap();
    assert_eq!(verified.delivery_id(), Some("Ev0PV52K21"));
}

#[test]
fn slack_wrong_secret() {
    let v = verifier(HmacScheme::slack(), SLACK_SECRET, 1_700_000_000);
    let headers = slack_headers("not the secret", 1_700_000_000, SLACK_BODY);
    assert_eq!(
        kind(v.verify(&headers, SLACK_BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn slack_missing_header() {
    let v = verifier(HmacScheme::slack(), SLACK_SECRET, 1_700_000_000);
    let headers = slack_headers(SLACK_SECRET, 1_700_000_000, SLACK_BODY);
    assert_eq!(
        kind(v.verify(&headers[..1], SLACK_BODY)),
        ErrorKind::MissingSignature
    );
    assert_eq!(
        kind(v.verify(&headers[1..], SLACK_BODY)),
        ErrorKind::MissingSignature
    );
}

#[test]
fn slack_malformed_header() {
    let v = verifier(HmacScheme::slack(), SLACK_SECRET, 1_700_000_000);
    let mut headers = slack_headers(SLACK_SECRET, 1_700_000_000, SLACK_BODY);
    headers[0].1 = headers[0].1.replacen("v0=", "v1=", 1);
    assert_eq!(
        kind(v.verify(&headers, SLACK_BODY)),
        ErrorKind::MalformedSignature
    );
    let mut headers = slack_headers(SLACK_SECRET, 1_700_000_000, SLACK_BODY);
    headers[1].1 = "1700000000.0".into();
    assert_eq!(
        kind(v.verify(&headers, SLACK_BODY)),
        ErrorKind::MalformedSignature
    );
}

#[test]
fn slack_stale_timestamp() {
    let v = verifier(HmacScheme::slack(), SLACK_SECRET, 1_700_000_000);
    for ts in [1_700_000_000 - 301, 1_700_000_000 + 301] {
        let headers = slack_headers(SLACK_SECRET, ts, SLACK_BODY);
        assert_eq!(
            kind(v.verify(&headers, SLACK_BODY)),
            ErrorKind::StaleTimestamp
        );
    }
}

const CLAIMR_SECRET: &str = "claimr-hook-secret";

#[test]
fn claimr_known_answer_and_sign_then_verify() {
    let body = CLAIMR_EVENT.as_bytes();
    // Computed once with Python's hmac module over the fixture's bytes.
    let expected = "7c8a0afb70deb6a8a82e80ba39596a207d99deecfde2eaf39ffe7f62748b6a69";
    assert_eq!(hmac_hex(CLAIMR_SECRET.as_bytes(), body), expected);
    let headers = [("X-Claimr-Signature", expected)];
    let verified = verifier(HmacScheme::claimr(), CLAIMR_SECRET, 0)
        .verify(&headers, body)
        .unwrap();
    assert_eq!(verified.delivery_id(), Some("lisjywHXKAq6yQe2bH6Pd"));
    assert_eq!(verified.timestamp(), None);
}

#[test]
fn claimr_prefix_is_optional() {
    let body = CLAIMR_EVENT.as_bytes();
    let hex = hmac_hex(CLAIMR_SECRET.as_bytes(), body);
    let v = verifier(HmacScheme::claimr(), CLAIMR_SECRET, 0);
    assert!(v
        .verify(&[("x-claimr-signature", hex.clone())], body)
        .is_ok());
    assert!(v
        .verify(&[("x-claimr-signature", format!("sha256={hex}"))], body)
        .is_ok());
    assert_eq!(
        kind(v.verify(&[("x-claimr-signature", format!("sha1={hex}"))], body)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn claimr_wrong_secret() {
    let body = CLAIMR_EVENT.as_bytes();
    let hex = hmac_hex(b"someone else's secret", body);
    let v = verifier(HmacScheme::claimr(), CLAIMR_SECRET, 0);
    assert_eq!(
        kind(v.verify(&[("x-claimr-signature", hex)], body)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn claimr_missing_header() {
    let v = verifier(HmacScheme::claimr(), CLAIMR_SECRET, 0);
    let headers = [("x-signature", hmac_hex(CLAIMR_SECRET.as_bytes(), b"{}"))];
    assert_eq!(kind(v.verify(&headers, b"{}")), ErrorKind::MissingSignature);
}

#[test]
fn claimr_malformed_header() {
    let v = verifier(HmacScheme::claimr(), CLAIMR_SECRET, 0);
    let hex = hmac_hex(CLAIMR_SECRET.as_bytes(), b"{}");
    let twice = [
        ("x-claimr-signature", hex.as_str()),
        ("x-claimr-signature", hex.as_str()),
    ];
    assert_eq!(kind(v.verify(&twice, b"{}")), ErrorKind::MalformedSignature);
    let non_ascii: [(&str, &[u8]); 1] = [("x-claimr-signature", b"\xffabc")];
    assert_eq!(
        kind(v.verify(&non_ascii, b"{}")),
        ErrorKind::MalformedSignature
    );
    // A body without an id verifies, with no delivery id.
    assert_eq!(
        v.verify(&[("x-claimr-signature", hex)], b"{}")
            .unwrap()
            .delivery_id(),
        None
    );
}

#[test]
fn claimr_scheme_can_be_changed() {
    let body = CLAIMR_EVENT.as_bytes();
    let scheme = HmacScheme::claimr()
        .with_header("X-Webhook-Signature")
        .with_encoding(Encoding::Base64)
        .with_prefix("hmac-sha256=");
    let v = verifier(scheme, CLAIMR_SECRET, 0);
    let sig = format!(
        "hmac-sha256={}",
        hmac_base64(CLAIMR_SECRET.as_bytes(), body)
    );
    assert!(v.verify(&[("x-webhook-signature", sig)], body).is_ok());
    let hex = hmac_hex(CLAIMR_SECRET.as_bytes(), body);
    assert!(v.verify(&[("x-webhook-signature", hex)], body).is_err());
}

#[test]
fn timestamp_dot_body_scheme() {
    let scheme = HmacScheme::new("x-sig")
        .with_content(SignedContent::TimestampDotBody {
            timestamp_header: "X-Timestamp".into(),
        })
        .with_delivery_id(IdSource::Header("x-delivery".into()));
    let v = verifier(scheme, "k", 1000);
    let sig = hmac_hex(b"k", b"1000.body");
    let headers = [
        ("x-sig", sig.as_str()),
        ("x-timestamp", "1000"),
        ("x-delivery", "d1"),
    ];
    let verified = v.verify(&headers, b"body").unwrap();
    assert_eq!(
        (verified.delivery_id(), verified.timestamp()),
        (Some("d1"), Some(1000))
    );
    let stale = [("x-sig", sig.as_str()), ("x-timestamp", "1000")];
    assert_eq!(
        kind(verifier(v.scheme().clone(), "k", 1301).verify(&stale, b"body")),
        ErrorKind::StaleTimestamp
    );
}

#[test]
fn invalid_scheme_configurations_are_refused() {
    let secret = || Secret::new("k").unwrap();
    for scheme in [
        HmacScheme::new(""),
        HmacScheme::new("x signature"),
        HmacScheme::new("x-sig").with_content(SignedContent::SlackV0 {
            timestamp_header: "".into(),
        }),
        HmacScheme::new("x-sig").with_delivery_id(IdSource::Header("a:b".into())),
    ] {
        let err = HmacVerifier::new(scheme, secret()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    }
}

// ---------------------------------------------------------------------------
// Generic use, secrecy

fn verify_generic<V: Verifier>(
    verifier: &V,
    headers: &impl Headers,
    body: &[u8],
) -> Option<String> {
    verifier
        .verify(headers, body)
        .ok()
        .map(|v| v.into_delivery().id().unwrap_or("-").to_owned())
}

#[test]
fn verifiers_are_shared_behind_an_arc_across_threads() {
    let shared = Arc::new(standard());
    let ids: Vec<Option<String>> = std::thread::scope(|scope| {
        (0..4)
            .map(|_| {
                let shared = Arc::clone(&shared);
                scope.spawn(move || verify_generic(&shared, &known(), SW_BODY))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect()
    });
    assert!(ids.iter().all(|id| id.as_deref() == Some(SW_ID)));
    let cloned = HmacVerifier::new(HmacScheme::github(), Secret::new(GH_SECRET).unwrap())
        .unwrap()
        .clone();
    assert_eq!(
        verify_generic(&cloned, &[("x-hub-signature-256", GH_SIG)], GH_BODY).as_deref(),
        Some("-")
    );
}

#[test]
fn no_message_or_debug_output_reveals_secrets_signatures_or_bodies() {
    let body: &[u8] = b"{\"id\":\"top-secret-body-text\"}";
    let gh_secret = "hunter2-github-secret";
    let good = format!("sha256={}", hmac_hex(gh_secret.as_bytes(), body));
    let github = verifier(HmacScheme::github(), gh_secret, 0);
    let std_verifier = standard();
    let mut outputs = vec![
        format!("{github:?}"),
        format!("{github:#?}"),
        format!("{std_verifier:?}"),
    ];

    let gh = |sig: &str, body: &[u8]| {
        github
            .verify(&[("x-hub-signature-256", sig)], body)
            .unwrap_err()
    };
    let sw = |ts: &str, sig: &str| {
        std_verifier
            .verify(&sw_headers(SW_ID, ts, sig), body)
            .unwrap_err()
    };
    let failures = [
        gh(GH_SIG, body),
        gh(&GH_SIG[7..], body),
        gh(&good, b"tampered"),
        gh("sha256=\u{e9}", body),
        sw("1614265330", "v1,AAAA"),
        sw("soon", SW_SIG),
        sw("1", SW_SIG),
    ];
    for err in failures {
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    let headers = [("x-hub-signature-256", good.as_str())];
    let verified = github.verify(&headers, body).unwrap();
    outputs.push(format!("{verified:?}"));
    outputs.push(format!("{:?}", verified.into_delivery()));

    let key_b64 = &SW_SECRET[6..];
    for output in &outputs {
        for needle in [
            gh_secret,
            GH_SECRET,
            key_b64,
            &good[7..],
            &GH_SIG[7..],
            &SW_SIG[3..],
            "tampered",
        ] {
            assert!(!output.contains(needle), "{output:?} reveals {needle:?}");
        }
    }
    assert!(outputs.iter().any(|o| o.contains("REDACTED")));
}

// ---------------------------------------------------------------------------
// Replays

#[test]
fn a_second_delivery_is_in_flight_then_done_unless_abandoned() {
    let gate = WebhookGate::new(standard()).with_deliveries(Arc::new(MemoryStore::default()));
    let headers = known();
    let never: Spawn = |_| unreachable!("finished, never spawned");
    block_on(async {
        let first = gate.admit(&headers, SW_BODY).await.unwrap();
        assert!(!first.acknowledge_only());
        assert_eq!(first.delivery().id(), Some(SW_ID));
        let err = gate.admit(&headers, SW_BODY).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InProgress);
        gate.running(&first, never).finish(500).await;
        let retry = gate.admit(&headers, SW_BODY).await.unwrap();
        assert!(
            !retry.acknowledge_only(),
            "an abandoned delivery runs again"
        );
        gate.running(&retry, never).finish(204).await;
        let done = gate.admit(&headers, SW_BODY).await.unwrap();
        assert!(done.acknowledge_only());
        assert!(done.delivery().is_redelivery());
        // Keys are namespaced, so a status-webhook key cannot collide.
        assert_eq!(replay::key(SW_ID), format!("webhook:{SW_ID}"));
    });
}

// ---------------------------------------------------------------------------
// claimr payloads

#[test]
fn claimr_fixture_decodes() {
    let event = ClaimrEvent::from_json(CLAIMR_EVENT.as_bytes()).unwrap();
    assert_eq!(event.id, "lisjywHXKAq6yQe2bH6Pd");
    assert_eq!(event.scope, Scope::UserActivity);
    assert_eq!(event.user.as_deref(), Some("23945872938472"));
    assert_eq!(event.email.as_deref(), Some("player@example.com"));
    let campaign = event.campaign.as_ref().unwrap();
    assert_eq!(campaign.id.as_deref(), Some("sue7r1vO"));
    assert_eq!(campaign.name.as_deref(), Some("Test campaign"));
    let inner = event.event.as_ref().unwrap();
    assert_eq!(inner.kind, Some(EventType::ActionCompleted));
    let action = inner.action().unwrap();
    assert_eq!(action.id.as_deref(), Some("_g06CbGQ"));
    assert_eq!(action.kind.as_deref(), Some("recaptcha"));
    assert_eq!(
        inner.data.as_ref().unwrap().xp.as_ref().unwrap().as_u64(),
        Some(10)
    );
    assert_eq!(event.xp_mul.as_ref().unwrap().as_f64(), Some(1.5));
    assert_eq!(event.rank.as_ref().unwrap().as_u64(), Some(42));
    assert!(event.team.is_none());
    assert!(event.extra.is_empty());
}

#[test]
fn claimr_round_trip_keeps_unknown_fields_scopes_and_types() {
    let body = serde_json::json!({
        "id": "m-2",
        "scope": "user_quiz",
        "user_id": 77,
        "campaign": {"id": "c", "name": "n", "season": 3},
        "event": {
            "type": "quiz_passed",
            "data": {"score": 9, "action": {"id": "a", "cost": 1}, "xp": "5"},
            "at": "2026-01-01"
        },
        "level": {"name": "gold"},
        "team": {"id": "t1"}
    });
    let event: ClaimrEvent = serde_json::from_value(body).unwrap();
    assert_eq!(event.scope, Scope::Other("user_quiz".into()));
    let inner = event.event.as_ref().unwrap();
    assert_eq!(inner.kind, Some(EventType::Other("quiz_passed".into())));
    assert_eq!(event.extra["level"]["name"], "gold");
    assert_eq!(event.campaign.as_ref().unwrap().extra["season"], 3);
    assert_eq!(inner.extra["at"], "2026-01-01");
    assert_eq!(inner.data.as_ref().unwrap().extra["score"], 9);
    assert_eq!(inner.action().unwrap().extra["cost"], 1);

    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["scope"], "user_quiz");
    assert_eq!(written["event"]["type"], "quiz_passed");
    assert_eq!(written["level"]["name"], "gold");
    assert_eq!(written["user_id"], "77");
    assert_eq!(written["event"]["data"]["xp"], 5);
    let again: ClaimrEvent = serde_json::from_value(written).unwrap();
    assert_eq!(again, event);

    let fixture = ClaimrEvent::from_json(CLAIMR_EVENT.as_bytes()).unwrap();
    let text = serde_json::to_string(&fixture).unwrap();
    assert_eq!(ClaimrEvent::from_json(text.as_bytes()).unwrap(), fixture);
}

// ---------------------------------------------------------------------------
// Properties, with the test kit's signer

#[cfg(feature = "testing")]
mod properties {
    use super::*;
    use claimkit::testing::Signer;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy)]
    enum Scheme {
        Standard,
        Github,
        Stripe,
        Slack,
        Claimr,
    }

    fn scheme() -> impl Strategy<Value = Scheme> {
        prop_oneof![
            Just(Scheme::Standard),
            Just(Scheme::Github),
            Just(Scheme::Stripe),
            Just(Scheme::Slack),
            Just(Scheme::Claimr),
        ]
    }

    /// Verifies headers and a body; the delivery id when it passes.
    type Verify = Box<dyn Fn(&[(String, String)], &[u8]) -> Result<Option<String>, Error>>;

    /// A signer and a verifier for `scheme`, sharing one key.
    fn pair(scheme: Scheme, key: &[u8], now: u64) -> (Signer, Verify) {
        fn boxed<V: Verifier>(v: V) -> Verify {
            Box::new(move |h, b| v.verify(h, b).map(|v| v.delivery_id().map(str::to_owned)))
        }
        let clock = FixedClock::at_unix(now);
        let secret = || Secret::new(key.to_vec()).unwrap();
        let hmac = |s: HmacScheme| boxed(HmacVerifier::new(s, secret()).unwrap().with_clock(clock));
        match scheme {
            Scheme::Standard => {
                let whsec = format!(
                    "whsec_{}",
                    base64::engine::general_purpose::STANDARD.encode(key)
                );
                let verifier = StandardWebhooks::new(Secret::new(whsec.clone()).unwrap())
                    .unwrap()
                    .with_clock(clock);
                (Signer::standard(&whsec).unwrap(), boxed(verifier))
            }
            Scheme::Github => (Signer::github(key), hmac(HmacScheme::github())),
            Scheme::Stripe => (Signer::stripe(key), hmac(HmacScheme::stripe())),
            Scheme::Slack => (Signer::slack(key), hmac(HmacScheme::slack())),
            Scheme::Claimr => (Signer::claimr(key), hmac(HmacScheme::claimr())),
        }
    }

    fn signature_header(scheme: Scheme) -> &'static str {
        match scheme {
            Scheme::Standard => "webhook-signature",
            Scheme::Github => "x-hub-signature-256",
            Scheme::Stripe => "stripe-signature",
            Scheme::Slack => "x-slack-signature",
            Scheme::Claimr => "x-claimr-signature",
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn sign_then_verify_round_trips(
            scheme in scheme(),
            key in proptest::collection::vec(any::<u8>(), 1..80),
            id in "[A-Za-z0-9_.:-]{1,48}",
            ts in 0u64..=4_000_000_000,
            body in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let (signer, verify) = pair(scheme, &key, ts);
            let headers = signer.with_id(id.clone()).with_timestamp(ts).sign(&body);
            let delivered = verify(&headers, &body);
            prop_assert!(delivered.is_ok(), "{:?}", delivered);
            if matches!(scheme, Scheme::Standard | Scheme::Github) {
                prop_assert_eq!(delivered.unwrap(), Some(id));
            }
        }

        #[test]
        fn any_changed_body_byte_fails(
            scheme in scheme(),
            key in proptest::collection::vec(any::<u8>(), 1..40),
            ts in 0u64..=4_000_000_000,
            body in proptest::collection::vec(any::<u8>(), 1..200),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let (signer, verify) = pair(scheme, &key, ts);
            let headers = signer.with_id("d").with_timestamp(ts).sign(&body);
            let mut changed = body.clone();
            changed[at.index(body.len())] ^= flip;
            let err = verify(&headers, &changed).unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::InvalidSignature);
        }

        #[test]
        fn any_changed_signature_byte_fails(
            scheme in scheme(),
            key in proptest::collection::vec(any::<u8>(), 1..40),
            ts in 1_000_000_000u64..=4_000_000_000,
            body in proptest::collection::vec(any::<u8>(), 0..100),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=127,
        ) {
            let (signer, verify) = pair(scheme, &key, ts);
            let mut headers = signer.with_id("d").with_timestamp(ts).sign(&body);
            let name = signature_header(scheme);
            let entry = headers.iter_mut().find(|(n, _)| n == name).unwrap();
            let mut bytes = entry.1.clone().into_bytes();
            let i = at.index(bytes.len());
            let (old, new) = (bytes[i], bytes[i] ^ flip);
            // Hex is case-insensitive: changing only a letter's case is no change.
            prop_assume!(!(old.is_ascii_hexdigit() && old.eq_ignore_ascii_case(&new)));
            bytes[i] = new;
            entry.1 = String::from_utf8(bytes).unwrap();
            prop_assert!(verify(&headers, &body).is_err());
        }
    }
}
