//! Decoding plugin calls and rendering answers, against the hand-written
//! equivalent on the same bytes.
//!
//! Run with: cargo bench -p claimkit --bench plugin

use std::hint::black_box;

use claimkit::{ClaimNumber, ClaimToken, Custom, PluginConfig, RawInputs, Respond, Secret};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shared::{
    current_bodies, hand_written, hand_written_legacy, WelcomeInputs, CURRENT, LEGACY, SECRET,
};

mod shared;

fn decode(c: &mut Criterion) {
    let config = PluginConfig::new(Secret::new(SECRET).unwrap());
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(CURRENT.len() as u64));
    let variants = current_bodies();
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
