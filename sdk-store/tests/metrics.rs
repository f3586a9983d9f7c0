//! What `Store` records through the `metrics` facade on every backend
//! (operations by backend, operation and outcome, and their latency), and
//! the queue's gauges and retries a runner records from it: real stores
//! under a recorder this test binary installs. One test, so that no other
//! reads (and resets) the recorder's values meanwhile.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use claimkit::metrics::{
    ACTIONS, ACTIONS_OLDEST_DUE, ACTION_RETRIES, STORE_DURATION, STORE_OPERATIONS,
};
use claimkit::store::{ActionTerms, Actions, ClaimNumbers, ClaimPool, DueAction, Next};
use claimkit_store::Store;
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

/// A metric's name and labels, sorted.
type Series = (String, Vec<(String, String)>);

/// The recorder's values, read a snapshot at a time (a snapshot resets
/// them: counters count from the last one, gauges read 0 until set again).
struct Recorded {
    snapshotter: Snapshotter,
}

/// One snapshot: counters, gauges, and how many values each histogram got.
#[derive(Default, Debug)]
struct Snapshot {
    counters: HashMap<Series, u64>,
    gauges: HashMap<Series, f64>,
    histograms: HashMap<Series, usize>,
}

fn series(name: &str, labels: &[(&str, &str)]) -> Series {
    let mut labels: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    labels.sort();
    (name.to_owned(), labels)
}

impl Snapshot {
    fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.counters
            .get(&series(name, labels))
            .copied()
            .unwrap_or(0)
    }

    fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.gauges.get(&series(name, labels)).copied()
    }

    fn timed(&self, name: &str, labels: &[(&str, &str)]) -> usize {
        self.histograms
            .get(&series(name, labels))
            .copied()
            .unwrap_or(0)
    }

    /// The queue's gauges: due, waiting, running, dead.
    fn queue(&self) -> [Option<f64>; 4] {
        ["due", "waiting", "running", "dead"].map(|state| self.gauge(ACTIONS, &[("state", state)]))
    }
}

impl Recorded {
    fn install() -> Self {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        recorder
            .install()
            .expect("the only recorder of this binary");
        Self { snapshotter }
    }

    fn take(&self) -> Snapshot {
        let mut taken = Snapshot::default();
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            let key = key.key();
            let labels: Vec<(&str, &str)> = key.labels().map(|l| (l.key(), l.value())).collect();
            let series = series(key.name(), &labels);
            match value {
                DebugValue::Counter(n) => {
                    taken.counters.insert(series, n);
                }
                DebugValue::Gauge(v) => {
                    taken.gauges.insert(series, v.into_inner());
                }
                DebugValue::Histogram(values) => {
                    taken.histograms.insert(series, values.len());
                }
            }
        }
        taken
    }

    /// Snapshots until `done` holds of one (each snapshot's counters added
    /// to `counted`), for at most 10 s.
    async fn until(
        &self,
        what: &str,
        counted: &mut HashMap<Series, u64>,
        done: impl Fn(&Snapshot, &HashMap<Series, u64>) -> bool,
    ) -> Snapshot {
        let start = Instant::now();
        loop {
            let taken = self.take();
            for (series, n) in &taken.counters {
                *counted.entry(series.clone()).or_default() += n;
            }
            if done(&taken, counted) {
                return taken;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{what}: not seen in 10 s; last {taken:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Terms whose retries wait an hour: a failed try stays waiting.
fn terms() -> ActionTerms {
    ActionTerms {
        first_retry: Duration::from_secs(3600),
        max_delay: Duration::from_secs(3600),
        ..ActionTerms::default()
    }
}

/// Store operations on `store` are counted and timed under `backend`; a
/// runner over it shows a queue of one dead action, then counts its retry.
async fn measured(recorded: &Recorded, store: &Store, backend: &str) {
    let claim = common::unique("claim");
    let pool = ClaimPool {
        claim_id: &claim,
        limit: None,
        hold: Duration::from_secs(3600),
    };
    for attempt in ["a", "b", "c"] {
        store.reserve(&pool, attempt).await.unwrap();
    }
    store.confirm(&claim, "a").await.unwrap();
    let taken = recorded.take();
    let ok = |operation| {
        taken.counter(
            STORE_OPERATIONS,
            &[
                ("backend", backend),
                ("operation", operation),
                ("outcome", "ok"),
            ],
        )
    };
    assert_eq!(
        (ok("reserve"), ok("confirm")),
        (3, 1),
        "{backend}: {taken:?}"
    );
    let timed = |operation| {
        taken.timed(
            STORE_DURATION,
            &[("backend", backend), ("operation", operation)],
        )
    };
    assert_eq!((timed("reserve"), timed("confirm")), (3, 1), "{backend}");

    // One dead action, and nothing else queued.
    let terms = terms();
    store.enqueue("gone", "{}").await.unwrap();
    let due = store.take_due(10, &terms).await.unwrap();
    store
        .fail("gone", &due[0].lease, Next::GiveUp, "refused: 410", &terms)
        .await
        .unwrap();
    let runner = claimkit_tokio::Runner::new(store.clone())
        .with_terms(terms)
        .with_poll(Duration::from_millis(20))
        .with_sample_every(Duration::from_millis(20))
        .start(|_: DueAction<serde_json::Value>| async { Err::<(), _>("refused: 503") });
    let mut counted = HashMap::new();
    let taken = recorded
        .until(
            &format!("{backend}: one dead action"),
            &mut counted,
            |s, _| s.queue() == [Some(0.0), Some(0.0), Some(0.0), Some(1.0)],
        )
        .await;
    assert_eq!(taken.gauge(ACTIONS_OLDEST_DUE, &[]), Some(0.0), "none due");
    let sampled = series(
        STORE_OPERATIONS,
        &[
            ("backend", backend),
            ("operation", "queue_depth"),
            ("outcome", "ok"),
        ],
    );
    assert!(
        counted.get(&sampled).copied().unwrap_or(0) >= 1,
        "{counted:?}"
    );

    // Retried by hand: the runner takes it, it fails, it waits an hour.
    assert!(store.retry("gone").await.unwrap());
    let retries = series(ACTION_RETRIES, &[]);
    recorded
        .until(
            &format!("{backend}: the retried action fails and waits"),
            &mut counted,
            |s, counted| {
                counted.get(&retries) == Some(&1)
                    && s.queue() == [Some(0.0), Some(1.0), Some(0.0), Some(0.0)]
            },
        )
        .await;
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_operations_and_the_queue_are_measured() {
    let recorded = Recorded::install();

    measured(&recorded, &Store::memory(), "memory").await;

    #[cfg(feature = "sqlite")]
    {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("metrics.db").display());
        measured(&recorded, &Store::connect(&url).await.unwrap(), "sqlite").await;
    }

    #[cfg(feature = "postgres")]
    if let Some(base) = common::server("CLAIMKIT_TEST_POSTGRES") {
        let schema = common::unique("ck_metrics");
        let url = format!("{base}?schema={schema}");
        measured(&recorded, &Store::connect(&url).await.unwrap(), "postgres").await;
        let pool = sqlx::PgPool::connect(&base).await.unwrap();
        sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&pool)
            .await
            .unwrap();
    }

    #[cfg(feature = "redis")]
    if let Some(base) = common::server("CLAIMKIT_TEST_REDIS") {
        use redis::AsyncCommands;
        let prefix = common::unique("ck_metrics");
        let url = format!("{base}?prefix={prefix}");
        measured(&recorded, &Store::connect(&url).await.unwrap(), "redis").await;
        let mut connection = redis::Client::open(base.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let keys: Vec<String> = connection.keys(format!("{prefix}:*")).await.unwrap();
        if !keys.is_empty() {
            let _: () = connection.del(keys).await.unwrap();
        }
    }

    // A store that is down: its failures are counted by outcome.
    #[cfg(feature = "redis")]
    if let Some(mut redis) = common::PrivateRedis::start("metrics-password") {
        let store = Store::from(
            claimkit_store::RedisStore::builder()
                .timeout(Duration::from_millis(500))
                .connect(&redis.url())
                .await
                .unwrap(),
        );
        redis.stop();
        let claim = common::unique("claim");
        let pool = ClaimPool {
            claim_id: &claim,
            limit: None,
            hold: Duration::from_secs(60),
        };
        recorded.take();
        for attempt in ["a", "b"] {
            store.reserve(&pool, attempt).await.unwrap_err();
        }
        let taken = recorded.take();
        let labels = |outcome| {
            [
                ("backend", "redis"),
                ("operation", "reserve"),
                ("outcome", outcome),
            ]
        };
        assert_eq!(
            (
                taken.counter(STORE_OPERATIONS, &labels("unavailable")),
                taken.counter(STORE_OPERATIONS, &labels("ok"))
            ),
            (2, 0),
            "{taken:?}"
        );
        assert_eq!(
            taken.timed(
                STORE_DURATION,
                &[("backend", "redis"), ("operation", "reserve")]
            ),
            2
        );
    }
}
