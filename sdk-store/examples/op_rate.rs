//! The store operation rate through the crate: `CONNECTIONS` tasks (32 by
//! default) calling one operation back to back for `SECONDS` (5), on the
//! store `STORE_URL` names, each call a new attempt. `OPERATION` is `issue`
//! (a claim token) or `reserve` (a claim number, every call on one claim).
//!
//! ```sh
//! STORE_URL=redis://127.0.0.1:6379?prefix=bench OPERATION=issue \
//!   cargo run --release -p claimkit-store --all-features --example op_rate
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimkit::store::{random_token, ClaimNumbers, ClaimPool, ClaimTokens};
use claimkit_store::Store;

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::connect(&var("STORE_URL", "memory:")).await?;
    let operation = var("OPERATION", "issue");
    let connections: usize = var("CONNECTIONS", "32").parse()?;
    let seconds: u64 = var("SECONDS", "5").parse()?;
    let run = random_token();
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..connections {
        let (store, operation, run) = (store.clone(), operation.clone(), run.clone());
        let (done, stop) = (done.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let claim = format!("claim-{run}");
            let pool = ClaimPool {
                claim_id: &claim,
                limit: None,
                hold: Duration::from_secs(600),
            };
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let attempt = format!("{run}-{task}-{i}");
                i += 1;
                match operation.as_str() {
                    "reserve" => drop(store.reserve(&pool, &attempt).await.expect("reserve")),
                    _ => drop(
                        store
                            .issue(&attempt, Duration::from_secs(600))
                            .await
                            .expect("issue"),
                    ),
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let calls = done.load(Ordering::Relaxed);
    println!(
        "RESULT operation={operation} calls={calls} rate={:.0}",
        calls as f64 / elapsed
    );
    Ok(())
}
