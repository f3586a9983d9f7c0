//! What an example exports at `/metrics`: after a known sequence of plugin
//! calls on the real binary, exactly the counts that sequence makes. Each
//! example's `tests/metrics.rs` runs these against its own binary.

use std::collections::BTreeMap;

use claimkit::metrics::{PLUGIN_CALLS, PLUGIN_CALL_SECONDS, REFUSED};
use serde_json::Value;

use crate::contract::Server;
use crate::{call, SECRET};

/// One sample of the Prometheus text format: a metric's name and labels
/// (sorted by name), and its value.
type Sample = (String, BTreeMap<String, String>, f64);

/// The samples of a Prometheus text exposition.
///
/// # Panics
/// When a line is not one the format allows.
pub fn samples(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a value after the series");
        let value: f64 = value.parse().expect("a number");
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, labels)) => {
                let labels = labels.strip_suffix('}').expect("labels end with }");
                let labels = labels
                    .split(',')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (key, value) = pair.split_once('=').expect("label=value");
                        let value = value
                            .strip_prefix('"')
                            .and_then(|v| v.strip_suffix('"'))
                            .expect("a quoted label value");
                        (key.to_owned(), value.to_owned())
                    })
                    .collect();
                (name, labels)
            }
        };
        samples.push((name.to_owned(), labels, value));
    }
    samples
}

/// The samples of the metric `name`, as `label=value,...` (sorted) to
/// value.
fn series(samples: &[Sample], name: &str) -> BTreeMap<String, f64> {
    samples
        .iter()
        .filter(|(sample, _, _)| sample == name)
        .map(|(_, labels, value)| {
            let labels: Vec<String> = labels
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            (labels.join(","), *value)
        })
        .collect()
}

/// `(labels, value)` rows as [`series`] writes them.
fn expect(rows: &[(&str, f64)]) -> BTreeMap<String, f64> {
    rows.iter()
        .map(|(labels, value)| ((*labels).to_owned(), *value))
        .collect()
}

/// After calls OK on three presets' routes, refusals for each of four
/// reasons and a CORS preflight, `/metrics` shows exactly those calls by
/// route, preset and status, the refusals by reason, and one latency per
/// call (not the preflight's) in histogram buckets that reach past the
/// deadline.
///
/// # Panics
/// When a count differs.
pub async fn calls_and_refusals_are_counted(binary: &str) {
    let server = Server::start(binary, &[("PLUGIN_SECRET", SECRET)]);
    let base = server.base_url();
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, route: &str, body: Vec<u8>, content_type: &str| {
        client
            .request(method, format!("{base}{route}"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let json = |value: Value| value.to_string().into_bytes();
    let executing = |attempt: &str| json(call(SECRET, attempt, "executing", false));
    let mut sent = Vec::new();
    let calls = [
        (
            "POST",
            "/plugins/stateless",
            executing("s1"),
            "application/json",
        ),
        (
            "PUT",
            "/plugins/stateless",
            executing("s2"),
            "application/json",
        ),
        (
            "POST",
            "/plugins/stateless",
            executing("s3"),
            "application/json",
        ),
        (
            "POST",
            "/plugins/claim-token",
            executing("t1"),
            "application/json",
        ),
        (
            "POST",
            "/plugins/claim-token",
            executing("t2"),
            "application/json",
        ),
        (
            "POST",
            "/plugins/claim-number",
            executing("n1"),
            "application/json",
        ),
        (
            "POST",
            "/plugins/claim-number",
            executing("n2"),
            "application/json",
        ),
        // Refused: a wrong secret, twice.
        (
            "POST",
            "/plugins/stateless",
            json(call("wrong-secret", "s4", "executing", false)),
            "application/json",
        ),
        (
            "DELETE",
            "/plugins/stateless",
            json(call("wrong-secret", "s5", "executing", false)),
            "application/json",
        ),
        // Refused: bodies that do not decode.
        (
            "POST",
            "/plugins/claim-number",
            b"{\"pluginSecret\":".to_vec(),
            "application/json",
        ),
        ("POST", "/plugins/claim-token", b"{}".to_vec(), "text/plain"),
        // Refused: a body over the limit.
        (
            "POST",
            "/plugins/stateless",
            vec![b' '; claimkit::DEFAULT_BODY_LIMIT + 1],
            "application/json",
        ),
        // Refused: a method the platform never uses.
        (
            "PATCH",
            "/plugins/stateless",
            executing("s6"),
            "application/json",
        ),
    ];
    for (method, route, body, content_type) in calls {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = send(method, route, body, content_type).await.unwrap();
        sent.push(response.status().as_u16());
    }
    assert_eq!(
        sent,
        [200, 200, 200, 200, 200, 200, 200, 401, 401, 400, 415, 413, 405]
    );
    // The developer portal's preflight: answered, not a call.
    let preflight = client
        .request(
            reqwest::Method::OPTIONS,
            format!("{base}/plugins/stateless"),
        )
        .header("origin", claimkit::PORTAL_ORIGIN)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());

    let response = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    let samples = samples(&text);

    assert_eq!(
        series(&samples, PLUGIN_CALLS),
        expect(&[
            ("preset=ClaimNumbers,route=claim-number,status=200", 2.0),
            ("preset=ClaimNumbers,route=claim-number,status=400", 1.0),
            ("preset=ClaimToken,route=claim-token,status=200", 2.0),
            ("preset=ClaimToken,route=claim-token,status=415", 1.0),
            ("preset=Stateless,route=stateless,status=200", 3.0),
            ("preset=Stateless,route=stateless,status=401", 2.0),
            ("preset=Stateless,route=stateless,status=405", 1.0),
            ("preset=Stateless,route=stateless,status=413", 1.0),
        ]),
        "{text}"
    );
    assert_eq!(
        series(&samples, REFUSED),
        expect(&[
            ("reason=body_size", 1.0),
            ("reason=decoding", 2.0),
            ("reason=method", 1.0),
            ("reason=secret", 2.0),
        ]),
        "{text}"
    );
    assert_eq!(
        series(&samples, &format!("{PLUGIN_CALL_SECONDS}_count")),
        expect(&[
            ("preset=ClaimNumbers,route=claim-number", 3.0),
            ("preset=ClaimToken,route=claim-token", 3.0),
            ("preset=Stateless,route=stateless", 7.0),
        ]),
        "{text}"
    );
    // The buckets reach past the deadline to the platform's time-outs,
    // and every one of these fast calls is below a second.
    let buckets = series(&samples, &format!("{PLUGIN_CALL_SECONDS}_bucket"));
    for bound in claimkit::metrics::CALL_SECONDS_BUCKETS {
        let key = format!("le={bound},preset=Stateless,route=stateless");
        let count = buckets
            .get(&key)
            .unwrap_or_else(|| panic!("no {key} in {text}"));
        if *bound >= 1.0 {
            assert_eq!(*count, 7.0, "{key}");
        }
    }
    assert_eq!(
        buckets.get("le=+Inf,preset=Stateless,route=stateless"),
        Some(&7.0)
    );
}

/// With `METRICS=off` nothing is recorded and `/metrics` is not served.
///
/// # Panics
/// When `/metrics` answers.
pub async fn metrics_off_serves_no_metrics(binary: &str) {
    let server = Server::start(binary, &[("PLUGIN_SECRET", SECRET), ("METRICS", "off")]);
    let base = server.base_url();
    let client = reqwest::Client::new();
    let call = client
        .post(format!("{base}/plugins/stateless"))
        .header("content-type", "application/json")
        .body(call(SECRET, "s1", "executing", false).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(call.status(), 200);
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 404);
}
