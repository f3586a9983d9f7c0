//! Webhook signature verification, against the raw `hmac` crate, the
//! `standardwebhooks` crate and the raw `ed25519-dalek` crate on the same
//! bytes.
//!
//! Run with: cargo bench -p claimkit --features testing --bench signature

use std::hint::black_box;

use claimkit::signature::Verifier;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{KeyInit, Mac};
use shared::{
    ed25519_delivery, github_delivery, raw_hmac, standard_delivery, HmacSha256, GITHUB_SECRET,
};

mod shared;

fn hmac_sizes(c: &mut Criterion) {
    let prepared = HmacSha256::new_from_slice(GITHUB_SECRET.as_bytes()).unwrap();
    let mut group = c.benchmark_group("hmac");
    for size in [1024, 20 * 1024, 1024 * 1024] {
        let (body, verifier, headers) = github_delivery(size);
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
    let shared::StandardDelivery {
        body,
        ours,
        headers,
        theirs,
        map,
    } = standard_delivery();
    let mut group = c.benchmark_group("standard webhooks");
    group.bench_function("standardwebhooks crate", |b| {
        b.iter(|| theirs.verify(black_box(body), black_box(&map)).unwrap())
    });
    group.bench_function("claimkit", |b| {
        b.iter(|| ours.verify(black_box(&headers), black_box(body)).unwrap())
    });
    group.finish();
}

/// `v1a` against `ed25519-dalek`'s own `verify_strict` (the same rules) on
/// the signed bytes already joined, and its ordinary `verify`.
fn standard_webhooks_v1a(c: &mut Criterion) {
    use ed25519_dalek::ed25519::signature::Verifier as _;

    let mut group = c.benchmark_group("standard webhooks v1a");
    for size in [1024, 20 * 1024] {
        let delivery = ed25519_delivery(size);
        let label = format!("{} KiB", size / 1024);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("raw verify_strict", &label), |b| {
            b.iter(|| {
                delivery
                    .key
                    .verify_strict(black_box(&delivery.message), black_box(&delivery.signature))
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("raw verify", &label), |b| {
            b.iter(|| {
                delivery
                    .key
                    .verify(black_box(&delivery.message), black_box(&delivery.signature))
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("claimkit", &label), |b| {
            b.iter(|| {
                delivery
                    .ours
                    .verify(black_box(&delivery.headers), black_box(&delivery.body))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    hmac_sizes,
    standard_webhooks,
    standard_webhooks_v1a
);
criterion_main!(benches);
