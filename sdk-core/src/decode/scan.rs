//! Finding the top-level `pluginSecret` of a JSON body without building
//! anything: the fast road to the secret check.
//!
//! The scanner understands well-formed JSON objects only. On anything it does
//! not expect (and when the key is absent) it gives up, and the caller falls
//! back to `serde_json`, which reads the body properly and explains what is
//! wrong. It never decides that a body is valid: the second pass does.

use memchr::memchr2;

/// The byte offset where the value of the top-level `pluginSecret` key
/// starts, or `None` (absent, escaped, or not understood).
pub(super) fn secret_value_offset(body: &[u8]) -> Option<usize> {
    let mut at = skip_whitespace(body, 0);
    if *body.get(at)? != b'{' {
        return None;
    }
    at = skip_whitespace(body, at + 1);
    loop {
        if *body.get(at)? != b'"' {
            return None;
        }
        let (end, escaped) = string_end(body, at + 1)?;
        let key = body.get(at + 1..end)?;
        at = skip_whitespace(body, end + 1);
        if *body.get(at)? != b':' {
            return None;
        }
        at = skip_whitespace(body, at + 1);
        if !escaped && key == b"pluginSecret" {
            return Some(at);
        }
        at = skip_whitespace(body, skip_value(body, at)?);
        match *body.get(at)? {
            b',' => at = skip_whitespace(body, at + 1),
            _ => return None,
        }
    }
}

fn skip_whitespace(body: &[u8], mut at: usize) -> usize {
    while matches!(body.get(at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

/// The offset of the closing quote of a string whose content starts at
/// `at`, and whether the string holds an escape.
fn string_end(body: &[u8], mut at: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        at += memchr2(b'"', b'\\', body.get(at..)?)?;
        if body[at] == b'"' {
            return Some((at, escaped));
        }
        escaped = true;
        at += 2;
    }
}

/// The offset just past the value starting at `at`.
fn skip_value(body: &[u8], at: usize) -> Option<usize> {
    match *body.get(at)? {
        b'"' => string_end(body, at + 1).map(|(end, _)| end + 1),
        b'{' | b'[' => skip_nested(body, at),
        _ => {
            let rest = body.get(at..)?;
            let len = rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(rest.len());
            (len > 0).then_some(at + len)
        }
    }
}

/// The offset just past the object or array starting at `at`.
fn skip_nested(body: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *body.get(at)? {
            b'"' => at = string_end(body, at + 1)?.0 + 1,
            b'{' | b'[' => {
                depth += 1;
                at += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                at += 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => at += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn found(body: &str) -> Option<String> {
        let at = secret_value_offset(body.as_bytes())?;
        let mut de = serde_json::Deserializer::from_str(&body[at..]);
        serde::Deserialize::deserialize(&mut de).ok()
    }

    #[test]
    fn finds_the_top_level_secret() {
        assert_eq!(found(r#"{"pluginSecret":"s"}"#).as_deref(), Some("s"));
        assert_eq!(
            found(" {\n \"a\" : [1, {\"pluginSecret\": \"inner\"}], \"b\": \"x\\\"y\", \"n\": -1.5e3, \"t\": true, \"pluginSecret\" :\t\"s\" }").as_deref(),
            Some("s")
        );
        assert_eq!(
            found(r#"{"a": {"b": "}"}, "pluginSecret": "s"}"#).as_deref(),
            Some("s")
        );
    }

    #[test]
    fn gives_up_when_unsure() {
        for body in [
            "",
            "[]",
            "{}",
            r#"{"a": 1}"#,
            r#"{"plugin\u0053ecret": "s"}"#,
            r#"{"a": 1 "pluginSecret": "s"}"#,
            r#"{"a": ]]] , "pluginSecret": "s"}"#,
            r#"{"a": "unterminated"#,
            r#"{"a"#,
            "{\"a\":",
            "{\"a\":\"\\",
        ] {
            assert_eq!(found(body), None, "{body:?}");
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC*".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("\\PC{0,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// On well-formed JSON the scanner agrees with serde_json, wherever
        /// the secret is and however the body is printed.
        #[test]
        fn agrees_with_serde_json(
            before in prop::collection::vec(("[a-z]{1,8}", json_value()), 0..5),
            after in prop::collection::vec(("[a-z]{1,8}", json_value()), 0..5),
            secret in "\\PC{0,40}",
            pretty in any::<bool>(),
        ) {
            // A map keeps one of each key: build the text by hand to keep
            // the order.
            let mut parts: Vec<String> = before
                .iter()
                .map(|(k, v)| format!("{}:{}", json!(k), v))
                .collect();
            parts.push(format!("\"pluginSecret\":{}", json!(secret)));
            parts.extend(after.iter().map(|(k, v)| format!("{}:{}", json!(k), v)));
            let body = format!("{{{}}}", parts.join(","));
            let body = if pretty {
                body.replace(',', " ,\n  ").replace(':', " : ")
            } else {
                body
            };
            // The pretty form may have broken a string's content, so ask
            // serde_json what the secret is.
            let expected = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v.get("pluginSecret").and_then(Value::as_str).map(str::to_owned));
            // Top-level keys here have no escapes: the scanner must find it.
            if let Some(expected) = expected {
                prop_assert_eq!(found(&body), Some(expected));
            }
        }

        #[test]
        fn never_panics(body in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = secret_value_offset(&body);
        }

        #[test]
        fn never_panics_on_near_json(body in "[{}\\[\\]\",: a-z0-9\\\\]{0,48}") {
            let _ = secret_value_offset(body.as_bytes());
        }
    }
}
