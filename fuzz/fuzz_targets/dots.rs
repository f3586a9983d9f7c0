//! Dot-free keys: escaping round-trips, `find_dotted_key` agrees with a walk
//! over the parsed value, and `Custom` refuses exactly the bodies with a
//! dotted key.
#![no_main]

use claimkit::{escape_dots, find_dotted_key, render, unescape_dots, Custom};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn has_dotted_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.contains('.') || has_dotted_key(v)),
        Value::Array(items) => items.iter().any(has_dotted_key),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let escaped = escape_dots(text);
        assert!(!escaped.contains('.'));
        if !text.contains("[dot]") {
            assert_eq!(unescape_dots(&escaped), text);
        }
    }
    let found = find_dotted_key(data);
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        let dotted = has_dotted_key(&value);
        // A JSON object with a duplicate key keeps one of them; the scan
        // sees every key, so it may find more than the value shows.
        if let Ok(found) = &found {
            if dotted {
                assert!(found.is_some());
            }
        }
        let rendered = render(&Custom(&value));
        assert_eq!(rendered.status() == 500, dotted, "{value}");
    }
});
