//! Any text as a `GET` query: decoding never panics and refuses with a 4xx;
//! an accepted query carries the secret.
#![no_main]

use claimkit::{PluginConfig, RawInputs, Secret};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

const SECRET: &str = "fuzz-secret";

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Typed {
    code: Option<String>,
    n: Option<u32>,
    flag: Option<bool>,
    tags: Option<Vec<String>>,
    nested: Option<std::collections::BTreeMap<String, String>>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let config = PluginConfig::new(Secret::new(SECRET).unwrap());
    for result in [
        config.decode_query::<RawInputs>(query).map(|_| ()),
        config.decode_query::<Typed>(query).map(|_| ()),
        config.decode_query::<()>(query).map(|_| ()),
    ] {
        match result {
            Ok(()) => assert!(query.contains("pluginSecret") || query.contains("%")),
            Err(err) => {
                assert!((400..500).contains(&err.status()), "{err:?}");
                assert!(!err.message().contains(SECRET));
            }
        }
    }
});
