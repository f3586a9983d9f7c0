//! Inputs the fuzzers found, kept as tests (see FUZZING.md).

use claimkit::{ErrorKind, PluginConfig, RawInputs, Secret};

fn config() -> PluginConfig {
    PluginConfig::new(Secret::new("fuzz-secret").unwrap())
}

/// `plugin_json`, crash-1f182dcc: invalid UTF-8 inside a nested input was
/// accepted when the inputs were skipped (`()`), refused otherwise.
#[test]
fn invalid_utf8_in_a_skipped_input_is_refused() {
    let body = b"{\"a\":[{\"b\":\"}\xff\xff\xff\xff\"}],\"pluginSecret\":\"fuzz-secret\"}";
    let skipped = config().decode_json::<()>(body).unwrap_err();
    assert_eq!(skipped.kind(), ErrorKind::MalformedBody);
    assert_eq!(
        skipped.message(),
        "malformed JSON body: not UTF-8 at byte 13"
    );
    let read = config().decode_json::<RawInputs>(body).unwrap_err();
    assert_eq!(read.kind(), ErrorKind::MalformedBody);
}

/// Found while fixing the above: deep nesting inside a skipped input was
/// accepted, because skipping does not count depth.
#[test]
fn deep_nesting_in_a_skipped_input_is_refused() {
    let body = format!(
        "{{\"pluginSecret\":\"fuzz-secret\",\"x\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let err = config().decode_json::<()>(body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedBody);
    let shallow = "{\"pluginSecret\":\"fuzz-secret\",\"x\":[[[1.5e3, \"a\", {\"b\": null}]]]}";
    assert!(config().decode_json::<()>(shallow.as_bytes()).is_ok());
}

/// `plugin_json`, crash-fc46236c: a number out of range in an unknown field
/// was accepted by typed inputs (which ignored it) and refused by `()`.
/// Every input is now read as a JSON value would be, whatever the type.
#[test]
fn an_out_of_range_number_in_an_ignored_field_is_refused() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        code: Option<String>,
    }
    let body = b"{\"pluginSecret\":\"fuzz-secret\",\"code\":\"x\",\"plutUpdat d\":1e806003000000,\n  \"tags\":[\"a\"]}";
    for err in [
        config().decode_json::<()>(body).unwrap_err(),
        config().decode_json::<Typed>(body).unwrap_err(),
        config().decode_json::<RawInputs>(body).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::MalformedBody, "{err:?}");
        assert_eq!(err.status(), 400);
    }
    let deep = format!(
        "{{\"pluginSecret\":\"fuzz-secret\",\"code\":\"x\",\"unknown\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_eq!(
        config()
            .decode_json::<Typed>(deep.as_bytes())
            .unwrap_err()
            .status(),
        400
    );
}

/// `plugin_json`, crash-d41d41bf: a `pluginSecret` inside legacy hardcoded
/// inputs (`"1": {"pluginSecret": ...}`) was flattened into the author's
/// inputs, so the secret reached them. It is refused as a second secret,
/// from a body and from a query alike.
#[test]
fn a_secret_inside_legacy_hardcoded_inputs_is_refused() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        code: Option<String>,
    }
    let body =
        br#"{"pluginSecret":"fuzz-secret","1":{},"1":{"pluginSecret":"fuzz-secret","code":"x"}}"#;
    for err in [
        config().decode_json::<()>(body).unwrap_err(),
        config().decode_json::<Typed>(body).unwrap_err(),
        config().decode_json::<RawInputs>(body).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::InvalidField, "{err:?}");
        assert_eq!(err.field(), Some("pluginSecret"));
        assert_eq!(err.status(), 400);
        assert!(!err.message().contains("fuzz-secret"));
    }
    let query = "pluginSecret=fuzz-secret&0[pluginSecret]=fuzz-secret&0[code]=x";
    let err = config().decode_query::<RawInputs>(query).unwrap_err();
    assert_eq!(err.field(), Some("pluginSecret"), "{err:?}");

    // Legacy hardcoded inputs without a secret are still flattened.
    let legacy = br#"{"pluginSecret":"fuzz-secret","0":{"code":"x"}}"#;
    let request = config().decode_json::<Typed>(legacy).unwrap();
    assert_eq!(request.inputs().code.as_deref(), Some("x"));
}

/// `plugin_query`, crash-620ae344: a query with conflicting parameters under
/// a key that held the secret's text (`cfuzz-secret`) was refused with a
/// message naming that key, secret and all. An error whose message or field
/// holds an accepted secret now falls back to its kind's own message, for
/// queries and bodies alike.
#[test]
fn a_key_holding_the_secret_is_not_named_in_the_message() {
    let query = "pluginSecret=fuzz-secret&cfuzz-secret=a&cfuzz-secret[x]=b";
    let err = config().decode_query::<RawInputs>(query).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedBody);
    assert_eq!(err.status(), 400);
    assert!(!err.message().contains("fuzz-secret"), "{err:?}");
    assert!(!err.message().is_empty());

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        nested: Option<std::collections::BTreeMap<String, String>>,
    }
    let body = br#"{"pluginSecret":"fuzz-secret","nested":{"my-fuzz-secret":5}}"#;
    let err = config().decode_json::<Typed>(body).unwrap_err();
    assert_eq!(err.status(), 400);
    assert!(!err.message().contains("fuzz-secret"), "{err:?}");
    assert!(
        !err.field().unwrap_or("").contains("fuzz-secret"),
        "{err:?}"
    );

    // Other keys are still named.
    let query = "pluginSecret=fuzz-secret&other=a&other[x]=b";
    let err = config().decode_query::<RawInputs>(query).unwrap_err();
    assert_eq!(
        err.message(),
        "malformed query: conflicting parameters for `other`"
    );
}
