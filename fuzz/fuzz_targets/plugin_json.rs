//! Any bytes as a plugin call's JSON body: decoding never panics, refuses
//! with a 4xx, and accepts only a body whose top-level `pluginSecret` (as
//! serde_json reads it) is the secret: the byte scanner that finds the
//! secret agrees with a real JSON parser.
#![no_main]

use claimkit::{PluginConfig, RawInputs, Secret};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::Value;

const SECRET: &str = "fuzz-secret";

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Typed {
    code: Option<String>,
    n: Option<u32>,
    tags: Option<Vec<String>>,
}

fuzz_target!(|data: &[u8]| {
    let config = PluginConfig::new(Secret::new(SECRET).unwrap()).with_body_limit(1 << 20);
    let raw = config.decode_json::<RawInputs>(data);
    let typed = config.decode_json::<Typed>(data);
    let unit = config.decode_json::<()>(data);
    for err in [
        raw.as_ref().err(),
        typed.as_ref().err(),
        unit.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        assert!((400..500).contains(&err.status()), "{err:?}");
        assert!(!err.message().contains(SECRET));
    }
    if let Ok(request) = &raw {
        // Accepted: a JSON object whose pluginSecret is the secret.
        let value: Value = serde_json::from_slice(data).expect("an accepted body is JSON");
        assert_eq!(
            value.get("pluginSecret").and_then(Value::as_str),
            Some(SECRET)
        );
        assert!(request.inputs().get("pluginSecret").is_none());
        // The secret is never kept: the context has no such key (a value
        // may say anything).
        let context = serde_json::to_value(request.context()).unwrap();
        assert!(context.get("pluginSecret").is_none());
    }
    // Whatever inputs type accepts a body, skipping the inputs accepts it too.
    if raw.is_ok() || typed.is_ok() {
        assert!(unit.is_ok());
    }
    if unit.is_ok() {
        let value: Value = serde_json::from_slice(data).expect("an accepted body is JSON");
        assert_eq!(
            value.get("pluginSecret").and_then(Value::as_str),
            Some(SECRET)
        );
    }
});
