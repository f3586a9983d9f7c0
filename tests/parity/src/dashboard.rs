//! The Grafana dashboard (`ops/grafana/claimkit.json`) against what an
//! example exports: the real binary on a SQLite store, with a mock of the
//! BitBadges API (reconciliation and the feed) and an action sink on
//! loopback, driven until every metric the dashboard's queries name has
//! been recorded, then `/metrics` scraped. Every metric a query names must
//! be exported under that exact name (a histogram's `_bucket`, `_sum`
//! and `_count` series included), and the queue's gauges and the store's
//! counts must show the known queue and calls. Each example's
//! `tests/dashboard.rs` runs [`every_query_is_exported`] on its own binary.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use claimkit::store::{ActionTerms, Actions, Next};
use claimkit_store::Store;
use serde_json::{json, Value};

use crate::actions::Sink;
use crate::bitbadges::{MockApi, API_KEY};
use crate::contract::Server;

/// The dashboard, as the repository holds it.
pub const DASHBOARD: &str = include_str!("../../../ops/grafana/claimkit.json");

/// The plugin secret of the server this check starts.
const SECRET: &str = "dashboard-secret-7d2f90c1";

/// Every query the dashboard holds: its panels' `expr`s and its template
/// variables' queries.
pub fn queries(dashboard: &Value) -> Vec<String> {
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("expr" | "definition", Value::String(query)) => {
                            found.push(query.clone());
                        }
                        _ => walk(value, found),
                    }
                }
            }
            Value::Array(values) => values.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(dashboard, &mut found);
    found
}

/// The metric names a PromQL query names: its identifiers that start with
/// `claimkit_` (label names, functions and keywords never do).
pub fn metric_names(query: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in query.chars().chain(std::iter::once(' ')) {
        if c == '"' {
            quoted = !quoted;
        }
        if !quoted && (c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            word.push(c);
            continue;
        }
        if word.starts_with("claimkit_") {
            names.insert(std::mem::take(&mut word));
        }
        word.clear();
    }
    names
}

/// A scrape in the Prometheus text format: each series' name with its
/// labels as written and its value, and each metric's declared type.
#[derive(Debug, Default)]
pub struct Scrape {
    /// `(name, labels, value)` of each sample line.
    pub samples: Vec<(String, String, f64)>,
    /// The type each `# TYPE` line declares, by metric name.
    pub types: BTreeMap<String, String>,
}

impl Scrape {
    /// Parses `text`.
    pub fn parse(text: &str) -> Self {
        let mut scrape = Self::default();
        for line in text.lines() {
            if let Some(declared) = line.strip_prefix("# TYPE ") {
                let mut parts = declared.split_whitespace();
                if let (Some(name), Some(kind)) = (parts.next(), parts.next()) {
                    scrape.types.insert(name.to_owned(), kind.to_owned());
                }
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("a sample line has a value");
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.trim_end_matches('}')),
                None => (series, ""),
            };
            let value = value.parse().expect("a sample's value is a number");
            scrape
                .samples
                .push((name.to_owned(), labels.to_owned(), value));
        }
        scrape
    }

    /// Whether a sample named `name` was exported.
    pub fn has(&self, name: &str) -> bool {
        self.samples.iter().any(|(n, _, _)| n == name)
    }

    /// The value of the series `name{labels}` (labels as the exporter
    /// writes them), if exported.
    pub fn value(&self, name: &str, labels: &str) -> Option<f64> {
        self.samples
            .iter()
            .find(|(n, l, _)| n == name && l == labels)
            .map(|(_, _, v)| *v)
    }

    /// The metric a series name belongs to: a histogram's `_bucket`,
    /// `_sum` and `_count` series (a summary's `_sum` and `_count`) belong
    /// to the histogram, as its `# TYPE` line declares it; any other name
    /// is its own (a counter's `_total` is part of its name). `None` when
    /// no `# TYPE` line declares what it belongs to.
    pub fn metric_of<'a>(&self, series: &'a str) -> Option<(&'a str, &str)> {
        for (suffix, kinds) in [
            ("_bucket", &["histogram"][..]),
            ("_sum", &["histogram", "summary"][..]),
            ("_count", &["histogram", "summary"][..]),
        ] {
            if let Some(base) = series.strip_suffix(suffix) {
                if let Some(kind) = self.types.get(base) {
                    if kinds.contains(&kind.as_str()) {
                        return Some((base, kind));
                    }
                }
            }
        }
        self.types
            .get(series)
            .map(|kind| (series, kind.as_str()))
            .filter(|(_, kind)| !matches!(*kind, "histogram" | "summary"))
    }
}

/// Names in `queries` that `scrape` lacks, each with why.
pub fn missing(queries: &[String], scrape: &Scrape) -> Vec<String> {
    let mut missing = Vec::new();
    for query in queries {
        for name in metric_names(query) {
            if !scrape.has(&name) {
                missing.push(format!("{name}: no such series exported"));
            } else if scrape.metric_of(&name).is_none() {
                missing.push(format!("{name}: no `# TYPE` line declares its metric"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    missing
}

async fn scrape(server: &Server) -> Scrape {
    let text = reqwest::get(format!("{}/metrics", server.base_url()))
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .text()
        .await
        .unwrap();
    Scrape::parse(&text)
}

async fn call(server: &Server, secret: &str, claim: &str, attempt: &str) -> u16 {
    reqwest::Client::new()
        .post(format!(
            "{}/plugins/claim-number-with-action",
            server.base_url()
        ))
        .header("content-type", "application/json")
        .body(
            json!({
                "pluginSecret": secret,
                "claimId": claim,
                "claimAttemptId": attempt,
                "_attemptStatus": "executing",
                "_isSimulation": false,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Starts `binary` on a SQLite store holding one dead action, drives calls,
/// refusals, reconciliation, the feed and an action's retry, then checks
/// that every metric the dashboard's queries name is exported, and that
/// the queue's gauges and the store's counts show what was done.
pub async fn every_query_is_exported(binary: &str) {
    let dashboard: Value = serde_json::from_str(DASHBOARD).expect("the dashboard is JSON");
    let queries = queries(&dashboard);
    assert!(queries.len() >= 10, "{queries:?}");
    for query in &queries {
        assert!(
            !metric_names(query).is_empty(),
            "a query that names no claimkit metric: {query}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("dashboard.db").display());
    {
        // One dead action before the start.
        let store = Store::connect(&url).await.unwrap();
        let terms = ActionTerms::default();
        store.enqueue("dead-before-start", "{}").await.unwrap();
        let due = store.take_due(1, &terms).await.unwrap();
        assert!(store
            .fail(&due[0].key, &due[0].lease, Next::GiveUp, "gone", &terms)
            .await
            .unwrap());
    }

    let api = MockApi::start(4);
    // The first action sent is refused: one retry.
    let sink = Sink::start(1);
    let (api_url, action_url) = (api.url(), sink.url());
    let server = Server::start(
        binary,
        &[
            ("PLUGIN_SECRET", SECRET),
            ("STORE_URL", &url),
            ("ACTION_URL", &action_url),
            ("BITBADGES_API_KEY", API_KEY),
            ("BITBADGES_API_URL", &api_url),
            ("RECONCILE_FIRST_CHECK", "1"),
            ("WATCH_CLAIMS", "claim-watched"),
            ("FEED_INTERVAL", "1"),
        ],
    );
    server.wait_for("reconciliation: on");

    assert_eq!(call(&server, "not-the-secret", "claim-m", "m-x").await, 401);
    for n in 0..3 {
        let attempt = format!("m-a{n}");
        assert_eq!(call(&server, SECRET, "claim-m", &attempt).await, 200);
        api.settle("claim-m", &attempt, n != 2, (n != 2).then_some(n));
    }
    // A success the plugin never saw: the feed queues its action.
    api.settle("claim-watched", "w-a0", true, Some(0));

    let deadline = Instant::now() + Duration::from_secs(60);
    let scraped = loop {
        let scraped = scrape(&server).await;
        let missing = missing(&queries, &scraped);
        if missing.is_empty() {
            break scraped;
        }
        assert!(
            Instant::now() < deadline,
            "the dashboard names metrics the example does not export:\n{}",
            missing.join("\n")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };

    assert_eq!(
        scraped.value("claimkit_actions", r#"state="dead""#),
        Some(1.0),
        "the dead action queued before the start: {scraped:?}"
    );
    let reserved = scraped
        .value(
            "claimkit_store_operations_total",
            r#"backend="sqlite",operation="take_over_or_reserve",outcome="ok""#,
        )
        .unwrap_or(0.0);
    assert!(
        reserved >= 3.0,
        "three calls reserved a number each: {reserved}"
    );
    let timed = scraped
        .value(
            "claimkit_store_operation_duration_seconds_count",
            r#"backend="sqlite",operation="take_over_or_reserve""#,
        )
        .unwrap_or(0.0);
    assert_eq!(timed, reserved, "each reservation is timed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_from_queries_and_never_from_label_values() {
        let query = r#"histogram_quantile(0.99, sum by (le) (rate(claimkit_a_seconds_bucket{job=~"claimkit_b"}[5m]))) / claimkit_c_total"#;
        let names: Vec<String> = metric_names(query).into_iter().collect();
        assert_eq!(names, ["claimkit_a_seconds_bucket", "claimkit_c_total"]);
    }

    #[test]
    fn suffixes_belong_to_a_histogram_only_when_declared_one() {
        let scrape = Scrape::parse(
            "# TYPE claimkit_h histogram\n\
             claimkit_h_bucket{le=\"1\"} 2\n\
             claimkit_h_sum 0.5\n\
             claimkit_h_count 2\n\
             # TYPE claimkit_s summary\n\
             claimkit_s{quantile=\"0.5\"} 0.1\n\
             claimkit_s_sum 0.5\n\
             claimkit_s_count 2\n\
             # TYPE claimkit_items_count counter\n\
             claimkit_items_count 7\n",
        );
        assert_eq!(
            scrape.metric_of("claimkit_h_bucket"),
            Some(("claimkit_h", "histogram"))
        );
        assert_eq!(
            scrape.metric_of("claimkit_h_count"),
            Some(("claimkit_h", "histogram"))
        );
        assert_eq!(
            scrape.metric_of("claimkit_s_sum"),
            Some(("claimkit_s", "summary"))
        );
        assert_eq!(
            scrape.metric_of("claimkit_s_bucket"),
            None,
            "a summary has no buckets"
        );
        assert_eq!(
            scrape.metric_of("claimkit_items_count"),
            Some(("claimkit_items_count", "counter"))
        );
        assert_eq!(scrape.value("claimkit_h_bucket", "le=\"1\""), Some(2.0));
        let queries = [
            "rate(claimkit_s_bucket[1m])".to_owned(),
            "claimkit_h_sum".to_owned(),
        ];
        assert_eq!(
            missing(&queries, &scrape),
            ["claimkit_s_bucket: no such series exported"]
        );
    }
}
