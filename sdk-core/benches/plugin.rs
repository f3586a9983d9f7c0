//! Decoding plugin calls and rendering answers, against the hand-written
//! equivalent on the same bytes.
//!
//! Run with: cargo bench -p claimkit --bench plugin

use std::hint::black_box;

use claimkit::{ClaimNumber, ClaimToken, Custom, PluginConfig, RawInputs, Respond, Secret};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use subtle::ConstantTimeEq;

const SECRET: &str = "4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81";
const CURRENT: &[u8] = include_bytes!("../tests/fixtures/current.json");
const LEGACY: &[u8] = include_bytes!("../tests/fixtures/legacy-2024-07.json");

/// A plugin author's inputs for the current fixture.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct WelcomeInputs {
    code: String,
    tier: u8,
    referrer: String,
    starts_at: u64,
    tags: Vec<String>,
    note: Option<String>,
}

/// What a careful hand-written handler parses: the same context fields and
/// inputs, in one struct.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandWritten {
    plugin_secret: String,
    claim_id: Option<String>,
    claim_attempt_id: Option<String>,
    #[serde(rename = "_isSimulation")]
    is_simulation: Option<bool>,
    #[serde(rename = "_attemptStatus")]
    attempt_status: Option<String>,
    created_at: Option<u64>,
    last_updated: Option<u64>,
    version: Option<String>,
    locale: Option<String>,
    bitbadges_address: Option<String>,
    eth_address: Option<String>,
    is_address_signed_in: Option<bool>,
    assign_method: Option<String>,
    is_claim_number_assigner: Option<bool>,
    #[serde(rename = "_isQueueHandler")]
    is_queue_handler: Option<bool>,
    plugin_id: Option<String>,
    instance_id: Option<String>,
    code: String,
    tier: u8,
    referrer: String,
    starts_at: u64,
    tags: Vec<String>,
    note: Option<String>,
}

/// The fixture's fields in the order they are written (a JSON map would
/// sort them).
fn fixture_fields(body: &[u8]) -> Vec<(String, serde_json::Value)> {
    struct Ordered(Vec<(String, serde_json::Value)>);
    impl<'de> Deserialize<'de> for Ordered {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Ordered;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Ordered, A::Error> {
                    let mut fields = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        fields.push(entry);
                    }
                    Ok(Ordered(fields))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_slice::<Ordered>(body).unwrap().0
}

fn hand_written(body: &[u8]) -> Option<HandWritten> {
    let parsed: HandWritten = serde_json::from_slice(body).ok()?;
    bool::from(parsed.plugin_secret.as_bytes().ct_eq(SECRET.as_bytes())).then_some(parsed)
}

/// The legacy body, by hand: its context fields as a JSON map.
fn hand_written_legacy(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    let secret = parsed.get("pluginSecret")?.as_str()?;
    bool::from(secret.as_bytes().ct_eq(SECRET.as_bytes())).then_some(parsed)
}

fn decode(c: &mut Criterion) {
    let config = PluginConfig::new(Secret::new(SECRET).unwrap());
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(CURRENT.len() as u64));
    // Bodies as the platform sends them: compact (axios' `JSON.stringify`),
    // ordered as it builds them (the plugin's inputs, then `pluginSecret`,
    // then the context). The secret scan stops at the secret, so the same
    // body with the secret first is its best case and last its worst.
    let fields: Vec<(String, serde_json::Value)> = fixture_fields(CURRENT);
    let compact = |fields: &[(String, serde_json::Value)]| {
        let text: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", serde_json::json!(k), v))
            .collect();
        format!("{{{}}}", text.join(",")).into_bytes()
    };
    let moved = |to_front: bool| {
        let mut fields = fields.clone();
        let at = fields
            .iter()
            .position(|(k, _)| k == "pluginSecret")
            .unwrap();
        let secret = fields.remove(at);
        if to_front {
            fields.insert(0, secret);
        } else {
            fields.push(secret);
        }
        compact(&fields)
    };
    let variants = [
        ("platform order", compact(&fields)),
        ("secret first", moved(true)),
        ("secret last", moved(false)),
    ];
    for (name, body) in &variants {
        group.bench_function(format!("current, {name}/hand-written"), |b| {
            b.iter(|| hand_written(black_box(body)).unwrap())
        });
        group.bench_function(format!("current, {name}/claimkit"), |b| {
            b.iter(|| {
                config
                    .decode_json::<WelcomeInputs>(black_box(body))
                    .unwrap()
            })
        });
    }
    group.bench_function("current/claimkit raw inputs", |b| {
        b.iter(|| config.decode_json::<RawInputs>(black_box(CURRENT)).unwrap())
    });
    group.bench_function("current/claimkit wrong secret", |b| {
        let forged = String::from_utf8(CURRENT.to_vec())
            .unwrap()
            .replace(SECRET, &"0".repeat(64));
        b.iter(|| {
            config
                .decode_json::<WelcomeInputs>(black_box(forged.as_bytes()))
                .unwrap_err()
        })
    });
    group.throughput(Throughput::Bytes(LEGACY.len() as u64));
    group.bench_function("legacy/hand-written map", |b| {
        b.iter(|| hand_written_legacy(black_box(LEGACY)).unwrap())
    });
    group.bench_function("legacy/claimkit raw inputs", |b| {
        b.iter(|| config.decode_json::<RawInputs>(black_box(LEGACY)).unwrap())
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.bench_function("claim token", |b| {
        let token = ClaimToken::new("5d722648f3f5672e78522d3f2533c096");
        b.iter(|| black_box(&token).render().unwrap())
    });
    group.bench_function("claim number", |b| {
        b.iter(|| ClaimNumber::new(black_box(1234)).render().unwrap())
    });
    let body = serde_json::json!({
        "granted": true,
        "emails": {"bob@abc[dot]com": 1, "alice@abc[dot]com": 2},
        "history": [{"at": 1_800_000_000_000_u64, "what": "claimed"}, {"at": 1_800_000_360_000_u64, "what": "used"}],
    });
    group.bench_function("custom/serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&body)).unwrap())
    });
    group.bench_function("custom/claimkit with dot check", |b| {
        let custom = Custom(body.clone());
        b.iter(|| black_box(&custom).render().unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode, render);
criterion_main!(benches);
