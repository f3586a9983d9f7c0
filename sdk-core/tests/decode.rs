//! Decoding the platform's real request shapes, from every era, as JSON and
//! as axios-encoded queries, and every way a request can be refused.

use std::sync::atomic::{AtomicUsize, Ordering};

use claimkit::{
    AttemptStatus, Email, ErrorKind, PluginConfig, PluginRequest, RawInputs, Secret, Secrets,
};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

const SECRET: &str = "4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81";

const CURRENT: &str = include_str!("fixtures/current.json");
const SIMULATION: &str = include_str!("fixtures/simulation.json");
const SUCCESS: &str = include_str!("fixtures/success.json");
const FAILURE: &str = include_str!("fixtures/failure.json");
const LEGACY: &str = include_str!("fixtures/legacy-2024-07.json");
const CURRENT_QUERY_NEW: &str = include_str!("fixtures/current.axios-1.21.query");
const CURRENT_QUERY_OLD: &str = include_str!("fixtures/current.axios-1.7.query");
const LEGACY_QUERY: &str = include_str!("fixtures/legacy-2024-07.axios-1.7.query");

fn config() -> PluginConfig {
    PluginConfig::new(Secret::new(SECRET).unwrap())
}

/// A plugin author's inputs for the current fixture.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct WelcomeInputs {
    code: String,
    tier: u8,
    referrer: String,
    starts_at: u64,
    tags: Vec<String>,
    note: Option<String>,
}

fn expected_inputs() -> WelcomeInputs {
    WelcomeInputs {
        code: "WELCOME-2026".into(),
        tier: 2,
        referrer: "https://example.org/campaigns/spring".into(),
        starts_at: 1_799_000_000_000,
        tags: vec!["early".into(), "beta".into()],
        note: Some("Claimed from the spring campaign landing page".into()),
    }
}

#[test]
fn current_body_with_typed_inputs() {
    let request = config()
        .decode_json::<WelcomeInputs>(CURRENT.as_bytes())
        .unwrap();
    assert_eq!(request.inputs(), &expected_inputs());
    let ctx = request.context();
    assert_eq!(
        request.claim_id(),
        Some("7a5b61ce3f2cf5eeb89f453c87f2b970328356395bf4ac4a23702d2fb0fb63c9")
    );
    assert_eq!(request.attempt_id(), Some("67a1f3c2e9b84d0c5f6e7a8b"));
    assert_eq!(request.attempt_status(), &AttemptStatus::Executing);
    assert!(!request.is_simulation());
    assert!(!request.is_status_webhook());
    assert_eq!(ctx.created_at, Some(1_800_000_000_000));
    assert_eq!(ctx.last_updated, Some(1_800_000_360_000));
    assert_eq!(ctx.version(), Some("0"));
    assert_eq!(ctx.locale.as_deref(), Some("en"));
    assert_eq!(
        request.address(),
        Some("bb1zd5dsage58jfrgmsu377pk6w0q5zhc67fn4gsl")
    );
    assert_eq!(
        ctx.eth_address.as_deref(),
        Some("0x1a2B3c4D5e6F708192a3B4c5D6e7F8091A2b3C4d")
    );
    assert_eq!(ctx.is_address_signed_in, Some(true));
    assert_eq!(ctx.assign_method.as_deref(), Some("firstComeFirstServe"));
    assert_eq!(ctx.is_claim_number_assigner, Some(false));
    assert_eq!(ctx.is_queue_handler, Some(false));
    assert_eq!(ctx.plugin_id.as_deref(), Some("custom-welcome-code"));
    assert!(ctx.instance_id.is_some());
    assert!(request.secret_match().is_current());
}

#[test]
fn untyped_inputs_hold_every_non_context_key() {
    let request = config()
        .decode_json::<RawInputs>(CURRENT.as_bytes())
        .unwrap();
    let keys: Vec<&str> = request.inputs().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["code", "note", "referrer", "startsAt", "tags", "tier"],
        "context keys and the secret never reach the inputs"
    );
}

#[test]
fn simulation_and_status_webhooks() {
    let sim = config()
        .decode_json::<RawInputs>(SIMULATION.as_bytes())
        .unwrap();
    assert!(sim.is_simulation());
    assert_eq!(sim.attempt_id(), None, "an empty attempt id reads as none");
    assert_eq!(sim.context().claim_attempt_id.as_deref(), Some(""));

    let success = config()
        .decode_json::<RawInputs>(SUCCESS.as_bytes())
        .unwrap();
    assert_eq!(success.attempt_status(), &AttemptStatus::Success);
    assert!(success.is_status_webhook());

    let failure = config()
        .decode_json::<RawInputs>(FAILURE.as_bytes())
        .unwrap();
    assert_eq!(failure.attempt_status(), &AttemptStatus::Failure);
    assert!(failure.is_status_webhook());

    let mut other: Value = serde_json::from_str(CURRENT).unwrap();
    other["_attemptStatus"] = json!("queued");
    let other = config()
        .decode_json::<RawInputs>(other.to_string().as_bytes())
        .unwrap();
    assert_eq!(
        other.attempt_status(),
        &AttemptStatus::Other("queued".into())
    );
}

/// The 2024-07 indexer's body: socials, `cosmosAddress`, `maxUses`,
/// `priorState: null`, and hardcoded inputs sent as `"0": {...}`.
#[derive(Debug, Deserialize, PartialEq)]
struct LegacyInputs {
    code: String,
    tier: u8,
}

#[test]
fn legacy_body() {
    let request = config()
        .decode_json::<LegacyInputs>(LEGACY.as_bytes())
        .unwrap();
    assert_eq!(
        request.inputs(),
        &LegacyInputs {
            code: "LEGACY-7".into(),
            tier: 1
        },
        "hardcoded inputs sent as \"0\": {{...}} are flattened"
    );
    let ctx = request.context();
    assert_eq!(
        request.address(),
        Some("cosmos1zd5dsage58jfrgmsu377pk6w0q5zhc67fn4gsl")
    );
    assert_eq!(ctx.max_uses, Some(1));
    assert_eq!(ctx.curr_uses, Some(0));
    assert_eq!(ctx.prior_state, None);
    assert_eq!(ctx.attempt_status, None);
    assert_eq!(request.attempt_status(), &AttemptStatus::Executing);
    assert_eq!(request.attempt_id(), None);
    assert!(!request.is_simulation());
    let discord = ctx.discord.as_ref().unwrap();
    assert_eq!(discord.id.as_deref(), Some("914250137592487976"));
    assert_eq!(discord.discriminator.as_deref(), Some("0"));
    assert_eq!(
        ctx.twitter.as_ref().unwrap().username.as_deref(),
        Some("bob_on_x")
    );
    assert_eq!(ctx.github, None);
    assert!(matches!(ctx.email, Some(Email::Account(_))));
    assert_eq!(ctx.email.as_ref().unwrap().address(), Some("bob@abc.com"));

    let raw = config()
        .decode_json::<RawInputs>(LEGACY.as_bytes())
        .unwrap();
    assert_eq!(
        Value::Object(raw.into_inputs()),
        json!({"code": "LEGACY-7", "tier": 1})
    );
}

#[test]
fn get_queries_from_both_axios_generations_match_the_body() {
    let from_body = config()
        .decode_json::<WelcomeInputs>(CURRENT.as_bytes())
        .unwrap();
    for query in [CURRENT_QUERY_NEW, CURRENT_QUERY_OLD] {
        let from_query = config()
            .decode_query::<WelcomeInputs>(query.trim_end())
            .unwrap();
        assert_eq!(from_query.context(), from_body.context());
        assert_eq!(from_query.inputs(), from_body.inputs());
    }
}

#[test]
fn legacy_get_query() {
    let from_query = config()
        .decode_query::<RawInputs>(LEGACY_QUERY.trim_end())
        .unwrap();
    let from_body = config()
        .decode_json::<RawInputs>(LEGACY.as_bytes())
        .unwrap();
    let mut context = from_body.context().clone();
    // axios leaves `null` out of a query.
    context.github = None;
    assert_eq!(from_query.context(), &context);
    assert_eq!(
        Value::Object(from_query.into_inputs()),
        json!({"code": "LEGACY-7", "tier": "1"}),
        "untyped inputs from a query stay text"
    );
}

#[test]
fn null_context_fields_read_as_absent() {
    let body = json!({
        "pluginSecret": SECRET, "claimId": null, "_attemptStatus": null,
        "createdAt": null, "email": null, "discord": null, "code": "x"
    });
    let request = config()
        .decode_json::<RawInputs>(body.to_string().as_bytes())
        .unwrap();
    assert_eq!(request.context(), &claimkit::Context::default());
}

#[test]
fn unit_inputs_still_read_the_context() {
    let request = config().decode_json::<()>(CURRENT.as_bytes()).unwrap();
    assert_eq!(request.attempt_id(), Some("67a1f3c2e9b84d0c5f6e7a8b"));
    let request = config()
        .decode_query::<()>(CURRENT_QUERY_NEW.trim_end())
        .unwrap();
    assert_eq!(request.attempt_id(), Some("67a1f3c2e9b84d0c5f6e7a8b"));
}

#[test]
fn escaped_secrets_are_compared_after_unescaping() {
    // "\u0034" is "4", the secret's first character.
    let body = format!(
        r#"{{"pluginSecret": "\u0034{}", "code": "x"}}"#,
        &SECRET[1..]
    );
    assert!(config().decode_json::<RawInputs>(body.as_bytes()).is_ok());
}

#[test]
fn a_previous_secret_is_accepted_and_reported() {
    let config = PluginConfig::new(
        Secrets::new(Secret::new("brand-new").unwrap()).with_previous(Secret::new(SECRET).unwrap()),
    );
    let request = config.decode_json::<RawInputs>(CURRENT.as_bytes()).unwrap();
    assert_eq!(request.secret_match().index(), 1);
    assert!(!request.secret_match().is_current());
}

static DESERIALIZED: AtomicUsize = AtomicUsize::new(0);

/// Counts how often the author's inputs are deserialized.
#[derive(Debug)]
struct Watched;

impl<'de> Deserialize<'de> for Watched {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DESERIALIZED.fetch_add(1, Ordering::SeqCst);
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Watched)
    }
}

#[test]
fn inputs_are_never_read_before_the_secret_is_checked() {
    let wrong = CURRENT.replace(SECRET, &"0".repeat(64));
    let missing = json!({"claimId": "c", "code": "x"}).to_string();
    for body in [wrong.as_str(), missing.as_str()] {
        let err = config()
            .decode_json::<Watched>(body.as_bytes())
            .unwrap_err();
        assert_eq!(err.status(), 401);
    }
    let err = config()
        .decode_query::<Watched>("pluginSecret=nope&code=x")
        .unwrap_err();
    assert_eq!(err.status(), 401);
    assert_eq!(DESERIALIZED.load(Ordering::SeqCst), 0);
    config().decode_json::<Watched>(CURRENT.as_bytes()).unwrap();
    assert_eq!(DESERIALIZED.load(Ordering::SeqCst), 1);
}

fn error_of(body: &str) -> claimkit::Error {
    config()
        .decode_json::<WelcomeInputs>(body.as_bytes())
        .unwrap_err()
}

fn with(field: &str, value: Value) -> String {
    let mut body: Value = serde_json::from_str(CURRENT).unwrap();
    body[field] = value;
    body.to_string()
}

#[test]
fn secret_errors() {
    let cases = [
        (with("pluginSecret", json!(null)), ErrorKind::MissingSecret),
        (with("pluginSecret", json!("")), ErrorKind::MissingSecret),
        (
            with("pluginSecret", json!(&SECRET[..63])),
            ErrorKind::InvalidSecret,
        ),
        (
            with("pluginSecret", json!(SECRET.to_uppercase())),
            ErrorKind::InvalidSecret,
        ),
    ];
    for (body, kind) in cases {
        let err = error_of(&body);
        assert_eq!(err.kind(), kind);
        assert_eq!(err.status(), 401);
    }
    let mut body: Value = serde_json::from_str(CURRENT).unwrap();
    body.as_object_mut().unwrap().remove("pluginSecret");
    assert_eq!(error_of(&body.to_string()).kind(), ErrorKind::MissingSecret);
}

#[test]
fn malformed_bodies() {
    for body in [
        "",
        "{",
        "[]",
        "\"text\"",
        "null",
        &format!("{{\"pluginSecret\": \"{SECRET}\"}} trailing"),
        &format!("{{\"pluginSecret\": \"{SECRET}\", \"code\": }}"),
        "{\"a\": 1,}",
    ] {
        let err = error_of(body);
        assert_eq!(err.kind(), ErrorKind::MalformedBody, "{body:?}: {err:?}");
        assert_eq!(err.status(), 400);
    }
    // The secret is checked as soon as it is found: what follows it is read
    // only for a caller who has it.
    let err = error_of("{\"pluginSecret\": \"x\", \"code\": } trailing");
    assert_eq!(err.kind(), ErrorKind::InvalidSecret);

    let err = config()
        .decode_json::<RawInputs>(b"{\"pluginSecret\": \"\xff\xfe\"}")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedBody);
    // Deep nesting: skipped without recursion while looking for the
    // secret, refused by the recursion limit when read.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let err = config()
        .decode_json::<RawInputs>(format!("{{\"x\": {deep}}}").as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingSecret);
    let err = config()
        .decode_json::<RawInputs>(
            format!("{{\"pluginSecret\": \"{SECRET}\", \"x\": {deep}}}").as_bytes(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedBody);
}

#[test]
fn field_errors_name_the_field_and_not_the_value() {
    let cases = [
        (
            with("tier", json!("hunter2")),
            "tier",
            "expected u8, found string",
        ),
        (
            with("tier", json!(300)),
            "tier",
            "expected u8, found integer",
        ),
        (
            with("tags", json!(["ok", 7])),
            "tags[1]",
            "expected a string, found integer",
        ),
        (
            with("createdAt", json!("hunter2")),
            "createdAt",
            "expected u64, found string",
        ),
        (
            with("_isSimulation", json!("hunter2")),
            "_isSimulation",
            "expected a boolean, found string",
        ),
        (
            with("discord", json!({"id": ["hunter2"]})),
            "discord",
            "expected a string, found sequence",
        ),
        (
            with("pluginSecret", json!(1234567)),
            "pluginSecret",
            "expected a string, found integer",
        ),
    ];
    for (body, field, problem) in cases {
        let err = error_of(&body);
        assert_eq!(err.kind(), ErrorKind::InvalidField, "{field}: {err:?}");
        assert_eq!(err.field(), Some(field), "{err:?}");
        assert_eq!(err.message(), format!("invalid field `{field}`: {problem}"));
        assert!(!err.message().contains("hunter2"));
        assert!(!err.message().contains("1234567"));
    }
    let mut body: Value = serde_json::from_str(CURRENT).unwrap();
    body.as_object_mut().unwrap().remove("code");
    let err = error_of(&body.to_string());
    assert_eq!(err.kind(), ErrorKind::InvalidField);
    assert_eq!(err.message(), "invalid request: missing field `code`");
}

#[test]
fn a_duplicated_secret_is_refused() {
    let body =
        format!(r#"{{"pluginSecret": "{SECRET}", "pluginSecret": "{SECRET}", "code": "x"}}"#);
    let err = config()
        .decode_json::<RawInputs>(body.as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidField);
    assert_eq!(err.field(), Some("pluginSecret"));
}

#[test]
fn no_error_message_repeats_the_secret_or_the_body() {
    let bodies = [
        format!("{{\"pluginSecret\": \"{SECRET}\", \"tier\": \"{SECRET}\"}}"),
        format!("{{\"pluginSecret\": \"{SECRET}\", \"tier\": 1, \"code\": 5, \"x\": \"{SECRET}\""),
        format!("{{\"pluginSecret\": [\"{SECRET}\"]}}"),
        format!("{{\"pluginSecret\": \"{SECRET}x\"}}"),
        format!("[\"{SECRET}\"]"),
    ];
    for body in bodies {
        let err = error_of(&body);
        assert!(!err.message().contains(SECRET), "{err:?}");
        assert!(!format!("{err:?}").contains(SECRET));
        assert!(!err.to_string().contains(SECRET));
    }
}

#[test]
fn body_limit() {
    let small = config().with_body_limit(100);
    let err = small
        .decode_json::<RawInputs>(CURRENT.as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(err.status(), 413);
    assert_eq!(
        err.message(),
        "request body too large: the limit is 100 bytes"
    );
    let err = small
        .decode_query::<RawInputs>(CURRENT_QUERY_NEW)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(claimkit::DEFAULT_BODY_LIMIT, 64 * 1024);
    assert_eq!(config().body_limit(), 64 * 1024);
}

#[test]
fn head_errors() {
    let err = config().check_head("PATCH", None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotAllowed);
    assert_eq!(err.status(), 405);
    let err = config()
        .check_head("POST", Some(b"application/x-www-form-urlencoded"), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedMediaType);
    assert_eq!(err.status(), 415);
}

#[test]
fn hand_made_requests_for_handler_tests() {
    let mut context = claimkit::Context::default();
    context.claim_attempt_id = Some("a1".into());
    let request = PluginRequest::new(context, json!({"code": "x"}));
    assert_eq!(request.attempt_id(), Some("a1"));
    assert_eq!(request.inputs()["code"], "x");
    let (context, inputs) = request.into_parts();
    assert_eq!(context.attempt_id(), Some("a1"));
    assert_eq!(inputs, json!({"code": "x"}));
}
