//! What a durable reservation costs on SQLite: one at a time (each caller
//! waits for its own commit and sync), and 32 at once (committed together).
//! The file is on the disk `target/` is on, never a tmpfs.

use std::time::{Duration, Instant};

use claimkit::store::{ClaimNumbers, ClaimPool, Numbering};
use claimkit_store::SqliteStore;
use criterion::{criterion_group, criterion_main, Criterion};
use futures_util::future::join_all;

fn reservations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = runtime
        .block_on(SqliteStore::connect(dir.path().join("bench.db")))
        .unwrap();
    let mut group = c.benchmark_group("sqlite reserve");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let mut next = 0u64;
    for concurrent in [1usize, 32] {
        let claim = format!("bench-{concurrent}");
        let pool = ClaimPool {
            claim_id: &claim,
            limit: None,
            hold: Numbering::DEFAULT_HOLD,
        };
        group.bench_function(format!("{concurrent} at once, per reservation"), |b| {
            b.iter_custom(|iters| {
                let rounds = iters.div_ceil(concurrent as u64);
                runtime.block_on(async {
                    let started = Instant::now();
                    for _ in 0..rounds {
                        let attempts: Vec<String> = (0..concurrent)
                            .map(|_| {
                                next += 1;
                                format!("attempt-{next}")
                            })
                            .collect();
                        for number in
                            join_all(attempts.iter().map(|a| store.reserve(&pool, a))).await
                        {
                            number.unwrap();
                        }
                    }
                    started.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, reservations);
criterion_main!(benches);
