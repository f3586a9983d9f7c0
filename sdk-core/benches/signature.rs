//! Webhook signature verification, against the raw `hmac` crate and the
//! `standardwebhooks` crate on the same bytes.
//!
//! Run with: cargo bench -p claimkit --features testing --bench signature

use std::hint::black_box;

use claimkit::signature::{HmacScheme, HmacVerifier, StandardWebhooks, Verifier};
use claimkit::testing::Signer;
use claimkit::Secret;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{KeyInit, Mac};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What a careful hand-written verifier does: parse the header, decode the
/// hex, key an HMAC, hash the body, compare in constant time.
fn raw_hmac(key: &[u8], header: &str, body: &[u8]) -> bool {
    let Some(hex) = header.strip_prefix("sha256=") else {
        return false;
    };
    let mut expected = [0u8; 32];
    if hex.len() != 64 {
        return false;
    }
    for (i, byte) in expected.iter_mut().enumerate() {
        match u8::from_str_radix(&hex[2 * i..2 * i + 2], 16) {
            Ok(value) => *byte = value,
            Err(_) => return false,
        }
    }
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn hmac_sizes(c: &mut Criterion) {
    let verifier =
        HmacVerifier::new(HmacScheme::github(), Secret::new(GITHUB_SECRET).unwrap()).unwrap();
    let signer = Signer::github(GITHUB_SECRET);
    let prepared = HmacSha256::new_from_slice(GITHUB_SECRET.as_bytes()).unwrap();
    let mut group = c.benchmark_group("hmac");
    for size in [1024, 20 * 1024, 1024 * 1024] {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let headers = signer.sign(&body);
        let header = headers[0].1.clone();
        group.throughput(Throughput::Bytes(size as u64));
        let label = format!("{} KiB", size / 1024);
        group.bench_with_input(BenchmarkId::new("raw hmac", &label), &body, |b, body| {
            b.iter(|| {
                assert!(raw_hmac(
                    GITHUB_SECRET.as_bytes(),
                    black_box(&header),
                    black_box(body)
                ))
            })
        });
        group.bench_with_input(
            BenchmarkId::new("raw hmac, prepared key", &label),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut mac = prepared.clone();
                    mac.update(black_box(body));
                    black_box(mac.finalize());
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("claimkit github scheme", &label),
            &body,
            |b, body| {
                b.iter(|| {
                    verifier
                        .verify(black_box(&headers), black_box(body))
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

fn standard_webhooks(c: &mut Criterion) {
    let body = br#"{"test": 2432232314}"#;
    // Signed now, so both libraries' clocks accept it.
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_p5jXN8AQM9LWM0D4loKWxJek")
        .sign(body);
    let mut map = http::HeaderMap::new();
    for (name, value) in &headers {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    let theirs = standardwebhooks::Webhook::new(WHSEC).unwrap();
    let ours = StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap();
    theirs
        .verify(body, &map)
        .expect("the standardwebhooks crate accepts the delivery");

    let mut group = c.benchmark_group("standard webhooks");
    group.bench_function("standardwebhooks crate", |b| {
        b.iter(|| theirs.verify(black_box(body), black_box(&map)).unwrap())
    });
    group.bench_function("claimkit", |b| {
        b.iter(|| ours.verify(black_box(&headers), black_box(body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, hmac_sizes, standard_webhooks);
criterion_main!(benches);
