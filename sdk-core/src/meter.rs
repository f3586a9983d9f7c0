//! Counting one plugin route's calls and their latency
//! ([`PLUGIN_CALLS`], [`PLUGIN_CALL_SECONDS`]) with handles made once.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics::{Counter, Histogram};

use crate::metrics::{PLUGIN_CALLS, PLUGIN_CALL_SECONDS, PRESETS};

/// The answer statuses whose counter handle a [`CallMeter`] keeps, with
/// their label: every status claimkit answers a plugin call with, and the
/// common ones of a handler's own [`Reject`](crate::Reject). Another
/// status is counted all the same, with a handle made for that call.
const KEPT: [(u16, &str); 14] = [
    (200, "200"),
    (400, "400"),
    (401, "401"),
    (403, "403"),
    (404, "404"),
    (405, "405"),
    (409, "409"),
    (413, "413"),
    (415, "415"),
    (422, "422"),
    (429, "429"),
    (500, "500"),
    (502, "502"),
    (503, "503"),
];

/// The place of `status` in [`KEPT`].
fn kept(status: u16) -> Option<usize> {
    Some(match status {
        200 => 0,
        400 => 1,
        401 => 2,
        403 => 3,
        404 => 4,
        405 => 5,
        409 => 6,
        413 => 7,
        415 => 8,
        422 => 9,
        429 => 10,
        500 => 11,
        502 => 12,
        503 => 13,
        _ => return None,
    })
}

/// Counts the calls of one plugin route in [`PLUGIN_CALLS`] (by `route`,
/// `preset` and answer `status`) and their latency in
/// [`PLUGIN_CALL_SECONDS`] (by `route` and `preset`), through the
/// [`metrics`] facade.
///
/// Both adapters' plugin routes keep one per route named with
/// [`RouteOptions::with_name`](crate::RouteOptions::with_name) and record
/// each answer once, in the `plugin` span's middleware. The handles are
/// made at a route's first answer of each status and kept: **install the
/// application's recorder before serving**, since a handle made with none
/// installed records nothing, ever. Nothing is allocated or labelled per
/// call after the first.
///
/// ```
/// use std::time::Duration;
/// use claimkit::CallMeter;
///
/// let meter = CallMeter::new("claim-number", "ClaimNumbers");
/// assert_eq!((meter.route(), meter.preset()), ("claim-number", "ClaimNumbers"));
/// // With no recorder installed, this records nothing and costs next to nothing.
/// meter.record(200, Duration::from_millis(3));
/// ```
#[derive(Clone)]
pub struct CallMeter {
    handles: Arc<Handles>,
}

/// What a [`CallMeter`] and its clones share.
struct Handles {
    route: &'static str,
    preset: &'static str,
    calls: [OnceLock<Counter>; KEPT.len()],
    seconds: OnceLock<Histogram>,
}

impl CallMeter {
    /// A meter for the route named `route` (a short name of the code's,
    /// such as `claim-number`: never a path with an id in it), answering
    /// with the preset `preset`, one of [`PRESETS`].
    ///
    /// # Panics
    /// When `preset` is not one of [`PRESETS`]: a mistake in the setup.
    pub fn new(route: &'static str, preset: &'static str) -> Self {
        assert!(
            PRESETS.contains(&preset),
            "a plugin preset must be one of {PRESETS:?}"
        );
        Self {
            handles: Arc::new(Handles {
                route,
                preset,
                calls: Default::default(),
                seconds: OnceLock::new(),
            }),
        }
    }

    /// The route's name, the `route` label.
    pub fn route(&self) -> &'static str {
        self.handles.route
    }

    /// The route's preset, the `preset` label.
    pub fn preset(&self) -> &'static str {
        self.handles.preset
    }

    /// Counts one call answered with `status` after `elapsed`.
    pub fn record(&self, status: u16, elapsed: Duration) {
        let handles = &*self.handles;
        match kept(status) {
            Some(slot) => handles.calls[slot]
                .get_or_init(|| handles.counter(Cow::Borrowed(KEPT[slot].1)))
                .increment(1),
            None => handles.counter(Cow::Owned(status.to_string())).increment(1),
        }
        handles
            .seconds
            .get_or_init(|| {
                metrics::histogram!(
                    PLUGIN_CALL_SECONDS,
                    "route" => handles.route,
                    "preset" => handles.preset,
                )
            })
            .record(elapsed.as_secs_f64());
    }
}

impl Handles {
    /// The handle of the calls answered with the status `status`.
    fn counter(&self, status: Cow<'static, str>) -> Counter {
        metrics::counter!(
            PLUGIN_CALLS,
            "route" => self.route,
            "preset" => self.preset,
            "status" => status,
        )
    }
}

impl fmt::Debug for CallMeter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallMeter")
            .field("route", &self.handles.route)
            .field("preset", &self.handles.preset)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use metrics_util::MetricKind;

    use super::*;

    #[test]
    fn kept_statuses_have_their_place() {
        for (place, (status, label)) in KEPT.iter().enumerate() {
            assert_eq!(kept(*status), Some(place));
            assert_eq!(label.parse::<u16>().unwrap(), *status);
        }
        assert_eq!(kept(418), None);
    }

    #[test]
    fn calls_are_counted_by_route_preset_and_status() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            let numbers = CallMeter::new("claim-number", "ClaimNumbers");
            let clone = numbers.clone();
            numbers.record(200, Duration::from_millis(2));
            clone.record(200, Duration::from_millis(4));
            numbers.record(401, Duration::from_millis(1));
            numbers.record(418, Duration::from_millis(1));
            numbers.record(418, Duration::from_millis(1));
            CallMeter::new("stateless", "Stateless").record(503, Duration::from_secs(5));
        });
        let mut counts = Vec::new();
        let mut latencies = Vec::new();
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let (kind, key) = key.into_parts();
            let labels: Vec<String> = key
                .labels()
                .map(|label| format!("{}={}", label.key(), label.value()))
                .collect();
            match (kind, value) {
                (MetricKind::Counter, DebugValue::Counter(count)) => {
                    assert_eq!(key.name(), PLUGIN_CALLS);
                    counts.push((labels.join(","), count));
                }
                (MetricKind::Histogram, DebugValue::Histogram(values)) => {
                    assert_eq!(key.name(), PLUGIN_CALL_SECONDS);
                    let values: Vec<f64> = values.iter().map(|value| value.into_inner()).collect();
                    latencies.push((labels.join(","), values));
                }
                other => panic!("an unexpected metric: {other:?}"),
            }
        }
        counts.sort();
        latencies.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            counts,
            [
                (
                    "route=claim-number,preset=ClaimNumbers,status=200".to_owned(),
                    2
                ),
                (
                    "route=claim-number,preset=ClaimNumbers,status=401".to_owned(),
                    1
                ),
                (
                    "route=claim-number,preset=ClaimNumbers,status=418".to_owned(),
                    2
                ),
                ("route=stateless,preset=Stateless,status=503".to_owned(), 1),
            ]
        );
        assert_eq!(
            latencies,
            [
                (
                    "route=claim-number,preset=ClaimNumbers".to_owned(),
                    vec![0.002, 0.004, 0.001, 0.001, 0.001]
                ),
                ("route=stateless,preset=Stateless".to_owned(), vec![5.0]),
            ]
        );
    }

    #[test]
    #[should_panic(expected = "plugin preset")]
    fn an_unknown_preset_is_a_setup_mistake() {
        let _ = CallMeter::new("x", "claimNumbers");
    }
}
