//! Run with: cargo run -p parity-tests --example reconcile_drop [ATTEMPTS] [PAGE_SIZE]
//!
//! A drop on one claim, reconciled against a mock of the BitBadges API on
//! loopback: `ATTEMPTS` (1,000 by default) attempts arrive over 20 s, each
//! reserves a claim number in a SQLite store and notes a check; the
//! platform records each attempt's end 1 s after its answer (9 in 10
//! succeed). The runner checks them with the default `ReconcileTerms` and
//! `CallTerms` (120 calls a minute) through the real client; the mock lists
//! `PAGE_SIZE` (25 by default) attempts a page, oldest first.
//!
//! It prints the API calls per attempt and the time from each attempt's end
//! (at the platform) to its post-claim action (queued when the number is
//! confirmed or released), p50 and p99.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use claimkit::platform::CallTerms;
use claimkit::reconcile::{note, ActionOn, Answered, ReconcileTerms, Reconciler};
use claimkit::store::{claim_number_with, DueAction, Numbering, StatusAction};
use claimkit::{AttemptStatus, Context};
use claimkit_bitbadges::{ApiKey, Client};
use claimkit_store::Store;
use claimkit_tokio::Runner;
use parity_tests::bitbadges::{MockApi, API_KEY};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let attempts: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let page_size: usize = args.next().map_or(Ok(25), |a| a.parse())?;
    const ARRIVAL: Duration = Duration::from_secs(20);
    const PROCESSING: Duration = Duration::from_secs(1);

    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}", dir.path().join("drop.db").display());
    let store = Store::connect(&url).await?;
    let api = MockApi::start(page_size);
    let client = Client::builder(ApiKey::new(API_KEY)?)
        .with_api_url(api.url())
        .build()?;
    let record = claimkit::platform::Gated::new(
        client,
        claimkit::platform::CallGate::new(CallTerms::default()),
    );
    let reconciler =
        Arc::new(Reconciler::new(record, store.clone()).with_terms(ReconcileTerms::default()));

    let ended: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let acted: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let seen = acted.clone();
    let runner = Runner::new(store.clone())
        .with_poll(Duration::from_millis(50))
        .with_reconciler(reconciler.clone())
        .start(move |due: DueAction<StatusAction>| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .insert(due.payload.claim_attempt_id, Instant::now());
                Ok::<(), String>(())
            }
        });

    let claim = "claim-drop";
    let numbering = Numbering::new();
    let started = Instant::now();
    let mut platform = Vec::new();
    for n in 0..attempts {
        let due = started + ARRIVAL.mul_f64(n as f64 / attempts as f64);
        tokio::time::sleep_until(due.into()).await;
        let attempt = format!("drop-{n:05}");
        let mut call = Context::default();
        call.claim_id = Some(claim.into());
        call.claim_attempt_id = Some(attempt.clone());
        call.attempt_status = Some(AttemptStatus::Executing);
        let number = match claim_number_with(&store, &call, &numbering).await? {
            claimkit::Preset::ClaimNumber(number) => number.get(),
            other => return Err(format!("not a number: {other:?}").into()),
        };
        note(&store, &call, Answered::ClaimNumber, ActionOn::Always).await?;
        // The platform records the attempt's end a moment after the answer.
        let (api, ended) = (api.clone(), ended.clone());
        platform.push(tokio::spawn(async move {
            tokio::time::sleep(PROCESSING).await;
            let success = n % 10 != 9;
            api.settle(claim, &attempt, success, success.then_some(number));
            ended.lock().unwrap().insert(attempt, Instant::now());
        }));
    }
    for task in platform {
        task.await?;
    }
    let deadline = Instant::now() + Duration::from_secs(900);
    while acted.lock().unwrap().len() < attempts {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {attempts} attempts settled in 15 minutes",
                acted.lock().unwrap().len()
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let all_settled = started.elapsed();
    runner.shutdown(Duration::from_secs(5)).await;

    let ended = ended.lock().unwrap();
    let acted = acted.lock().unwrap();
    let mut latencies: Vec<Duration> = ended
        .iter()
        .map(|(attempt, end)| acted[attempt].saturating_duration_since(*end))
        .collect();
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    let calls = api.calls();
    println!(
        "attempts: {attempts} on one claim, arriving over {} s; page size {page_size}",
        ARRIVAL.as_secs()
    );
    println!(
        "API calls: {} ({} status, {} listings, {} refused): {:.3} per attempt",
        calls.total(),
        calls.status,
        calls.list,
        calls.refused,
        calls.total() as f64 / attempts as f64
    );
    println!(
        "attempt end -> action: p50 {:.2} s, p99 {:.2} s, max {:.2} s; all settled {:.1} s after the first answer",
        at(0.50).as_secs_f64(),
        at(0.99).as_secs_f64(),
        latencies.last().unwrap().as_secs_f64(),
        all_settled.as_secs_f64()
    );
    Ok(())
}
