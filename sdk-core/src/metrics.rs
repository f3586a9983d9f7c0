//! The metrics claimkit records, through the [`metrics`] facade: the
//! application installs the exporter it wants (for Prometheus,
//! `metrics-exporter-prometheus`); with none installed, recording costs next
//! to nothing. No claimkit library depends on an exporter.
//!
//! | metric | type | labels | what |
//! |---|---|---|---|
//! | [`PLUGIN_CALLS`] | counter | `route`, `preset`, `status` | plugin calls answered, by the route's name, its preset and the answer's status code ([`CallMeter`](crate::CallMeter)) |
//! | [`PLUGIN_CALL_SECONDS`] | histogram | `route`, `preset` | how long each plugin call took to answer, in seconds; [`CALL_SECONDS_BUCKETS`] shows the distance to the deadline |
//! | [`REFUSED`] | counter | `reason` | plugin calls and webhook deliveries refused before the handler ran, because of the caller |
//! | [`FEED_QUEUED`] | counter | none | post-claim actions the feed of a claim's new successes queued ([`feed_round`](crate::feed::feed_round)) |
//! | [`RECONCILE_WAITING`] | gauge | none | attempts this process knows to wait for the platform's record of their outcome |
//! | [`RECONCILE_SETTLED`] | counter | `status` | outcomes the platform's record told and reconciliation applied: `success` or `failure` |
//! | [`STORE_OPERATIONS`] | counter | `backend`, `operation`, `outcome` | store operations through `claimkit_store::Store`, by how they ended |
//! | [`STORE_DURATION`] | histogram | `backend`, `operation` | how long each store operation took, in seconds |
//! | [`ACTIONS`] | gauge | `state` | the action queue's actions: `due`, `waiting`, `running`, `dead` ([`QueueDepth`]), sampled by `claimkit_tokio::Runner` |
//! | [`ACTIONS_OLDEST_DUE`] | gauge | none | how long the action due longest has been due, in seconds, sampled with [`ACTIONS`] |
//! | [`ACTION_RETRIES`] | counter | none | failed tries of actions and checks that will be retried after their backoff |
//!
//! Labels are bounded: `route` is a name the code gives a route
//! ([`RouteOptions::with_name`](crate::RouteOptions::with_name)), `preset`
//! one of [`PRESETS`], a plugin call's `status` an HTTP status code,
//! `reason` one of [`REASONS`], a settled outcome's `status` `success` or
//! `failure`, `backend` one of [`BACKENDS`], `operation` the name of a
//! store trait's method, `outcome` one of [`STORE_OUTCOMES`], `state` one
//! of [`QUEUE_STATES`]. No claim id, attempt id, action key, address or
//! secret is ever a label.
//!
//! Handles are made at first use and kept (a plugin route's at its first
//! answer of each status): install the application's recorder before
//! serving.
//!
//! ```
//! assert_eq!(claimkit::metrics::REFUSED, "claimkit_refused_total");
//! ```

use crate::store::QueueDepth;
use crate::ErrorKind;

/// Plugin calls answered, by `route` (the name given with
/// [`RouteOptions::with_name`](crate::RouteOptions::with_name)), `preset`
/// ([`PRESETS`]) and `status` (the answer's HTTP status code: `200`, a
/// refusal's `401`, a deadline's `503`...). A route given no name is not
/// counted here; its refusals still are, in [`REFUSED`].
pub const PLUGIN_CALLS: &str = "claimkit_plugin_calls_total";

/// How long each plugin call took, from the request's head to its answer,
/// in seconds, by `route` and `preset`.
pub const PLUGIN_CALL_SECONDS: &str = "claimkit_plugin_call_seconds";

/// The buckets (upper bounds, in seconds) an exporter should give
/// [`PLUGIN_CALL_SECONDS`] so that a dashboard shows the distance to the
/// deadline: fine below a second, then 2.5 s, 4 s and 4.5 s as a slow call
/// nears the 5 s [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE), 5.5 s for
/// the deadline's own `503` answers, and the platform's two published
/// time-outs, 6 s and 10 s. The examples set them with
/// `metrics-exporter-prometheus`'s `set_buckets_for_metric`.
///
/// ```
/// use claimkit::metrics::CALL_SECONDS_BUCKETS;
/// assert!(CALL_SECONDS_BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
/// assert!(CALL_SECONDS_BUCKETS.contains(&claimkit::DEFAULT_DEADLINE.as_secs_f64()));
/// ```
pub const CALL_SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 4.0, 4.5, 5.0, 5.5, 6.0,
    10.0,
];

/// The values of the `preset` label of [`PLUGIN_CALLS`] and
/// [`PLUGIN_CALL_SECONDS`]: the platform's names of the response presets
/// (`stateFunctionPreset` in a plugin's registration).
pub const PRESETS: &[&str] = &[
    "Stateless",
    "ClaimToken",
    "ClaimNumbers",
    "CustomResponseHandler",
];

/// Plugin calls and webhook deliveries refused before their handler ran,
/// by `reason` ([`REASONS`]).
pub const REFUSED: &str = "claimkit_refused_total";

/// Post-claim actions queued by the feed of a claim's new successes
/// ([`feed_round`](crate::feed::feed_round)): one per new success. No
/// label: never a claim id.
pub const FEED_QUEUED: &str = "claimkit_feed_queued_total";

/// Attempts this process knows to wait for the platform's record of their
/// outcome ([`Reconciler`](crate::reconcile::Reconciler)).
pub const RECONCILE_WAITING: &str = "claimkit_reconcile_waiting";

/// Outcomes the platform's record told and reconciliation applied, by
/// `status` (`success` or `failure`).
pub const RECONCILE_SETTLED: &str = "claimkit_reconcile_settled_total";

/// The values of the `reason` label of [`REFUSED`]: a missing or wrong
/// secret, a missing, malformed, wrong or stale signature, a body over the
/// limit, a body or field that does not decode, a method the route does not
/// take.
pub const REASONS: &[&str] = &["secret", "signature", "body_size", "decoding", "method"];

/// Store operations through `claimkit_store::Store`, by `backend`
/// ([`BACKENDS`]), `operation` (the trait method: `reserve`, `take_due`,
/// …) and `outcome` ([`STORE_OUTCOMES`], from [`store_outcome`]).
pub const STORE_OPERATIONS: &str = "claimkit_store_operations_total";

/// How long each store operation took, in seconds, by `backend` and
/// `operation`, whatever its outcome.
pub const STORE_DURATION: &str = "claimkit_store_operation_duration_seconds";

/// The buckets (upper bounds, in seconds) an exporter should give
/// [`STORE_DURATION`]: a memory store's microseconds, a local SQLite
/// commit's and a network round trip's milliseconds, up to the stores'
/// 2 s bound on an operation (`claimkit_store::DEFAULT_TIMEOUT`). The
/// examples set them with `metrics-exporter-prometheus`'s
/// `set_buckets_for_metric`.
///
/// ```
/// use claimkit::metrics::STORE_SECONDS_BUCKETS;
/// assert!(STORE_SECONDS_BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
/// ```
pub const STORE_SECONDS_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5,
];

/// The values of the `backend` label of the store metrics.
pub const BACKENDS: &[&str] = &["memory", "sqlite", "postgres", "redis"];

/// The values of the `outcome` label of [`STORE_OPERATIONS`]: `ok`, or
/// the kind of error the store answered.
pub const STORE_OUTCOMES: &[&str] = &[
    "ok",
    "unavailable",
    "timeout",
    "exhausted",
    "in_progress",
    "error",
];

/// The `outcome` a store operation is counted under: `ok`, or its error's
/// kind ([`STORE_OUTCOMES`]): `unavailable` (the store cannot be reached),
/// `timeout`, `exhausted` (a claim's numbers are all held), `in_progress`
/// and `error` for any other. (A store that holds what it never writes
/// answers `unavailable`.)
///
/// ```
/// use claimkit::{metrics::store_outcome, Error, ErrorKind};
/// assert_eq!(store_outcome(None), "ok");
/// assert_eq!(store_outcome(Some(ErrorKind::Unavailable)), "unavailable");
/// assert_eq!(store_outcome(Some(ErrorKind::InvalidPayload)), "error");
/// ```
pub const fn store_outcome(error: Option<ErrorKind>) -> &'static str {
    match error {
        None => "ok",
        Some(ErrorKind::Unavailable) => "unavailable",
        Some(ErrorKind::Timeout) => "timeout",
        Some(ErrorKind::Exhausted) => "exhausted",
        Some(ErrorKind::InProgress) => "in_progress",
        Some(_) => "error",
    }
}

/// The action queue's actions by `state` ([`QUEUE_STATES`]), as
/// [`QueueDepth`] counts them: sampled by `claimkit_tokio::Runner` at its
/// start and then periodically. Every replica's runner samples the same
/// shared queue: take the `max`, not the `sum`, across replicas.
pub const ACTIONS: &str = "claimkit_actions";

/// The values of the `state` label of [`ACTIONS`].
pub const QUEUE_STATES: &[&str] = &["due", "waiting", "running", "dead"];

/// How long the action due longest has been due, in seconds
/// ([`QueueDepth::oldest_due`]); 0 when none is due. A value that grows
/// means the runners do not keep up, or none runs.
pub const ACTIONS_OLDEST_DUE: &str = "claimkit_actions_oldest_due_age_seconds";

/// Failed tries of post-claim actions and reconciliation checks that will
/// be retried after their backoff (a try that gives up is counted in the
/// dead gauge instead).
pub const ACTION_RETRIES: &str = "claimkit_action_retries_total";

/// Records a sample of the action queue: the gauges [`ACTIONS`] and
/// [`ACTIONS_OLDEST_DUE`].
pub fn record_queue_depth(depth: &QueueDepth) {
    let states = [
        ("due", depth.due),
        ("waiting", depth.waiting),
        ("running", depth.running),
        ("dead", depth.dead),
    ];
    for (state, count) in states {
        metrics::gauge!(ACTIONS, "state" => state).set(count as f64);
    }
    metrics::gauge!(ACTIONS_OLDEST_DUE).set(depth.oldest_due.as_secs_f64());
}

/// Counts one failed try that will be retried, in [`ACTION_RETRIES`].
pub fn action_retried() {
    metrics::counter!(ACTION_RETRIES).increment(1);
}

/// The reason a refusal of `kind` is counted under; `None` for an error
/// that is not the caller's (a failure, a time-out).
fn reason(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::MissingSecret | ErrorKind::InvalidSecret => "secret",
        ErrorKind::MissingSignature
        | ErrorKind::MalformedSignature
        | ErrorKind::InvalidSignature
        | ErrorKind::StaleTimestamp => "signature",
        ErrorKind::BodyTooLarge => "body_size",
        ErrorKind::MalformedBody | ErrorKind::InvalidField | ErrorKind::UnsupportedMediaType => {
            "decoding"
        }
        ErrorKind::MethodNotAllowed => "method",
        _ => return None,
    })
}

/// Counts a refusal of `kind` in [`REFUSED`], if the caller caused it.
pub(crate) fn refused(kind: ErrorKind) {
    if let Some(reason) = reason(kind) {
        metrics::counter!(REFUSED, "reason" => reason).increment(1);
    }
}

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    use super::*;
    use crate::Error;

    #[test]
    fn refusals_are_counted_by_reason_and_failures_are_not() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            crate::trace::rejected(&Error::new(ErrorKind::InvalidSecret));
            crate::trace::rejected(&Error::new(ErrorKind::MissingSecret));
            crate::trace::rejected(&Error::body_too_large(10));
            crate::trace::rejected(&Error::new(ErrorKind::InvalidSignature));
            crate::trace::rejected(&Error::unavailable("down"));
        });
        let mut counts: Vec<(String, u64)> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let key = key.key();
                assert_eq!(key.name(), REFUSED);
                let reason = key.labels().next().unwrap().value().to_owned();
                match value {
                    DebugValue::Counter(count) => (reason, count),
                    other => panic!("not a counter: {other:?}"),
                }
            })
            .collect();
        counts.sort();
        assert!(counts
            .iter()
            .all(|(reason, _)| REASONS.contains(&reason.as_str())));
        assert_eq!(
            counts,
            [
                ("body_size".to_owned(), 1),
                ("secret".to_owned(), 2),
                ("signature".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn a_queue_sample_sets_every_state_and_the_oldest_wait() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let depth = QueueDepth {
            due: 2,
            waiting: 3,
            running: 1,
            dead: 4,
            oldest_due: std::time::Duration::from_millis(1500),
        };
        metrics::with_local_recorder(&recorder, || record_queue_depth(&depth));
        let mut gauges: Vec<(String, Option<String>, f64)> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let key = key.key();
                let state = key.labels().next().map(|label| label.value().to_owned());
                match value {
                    DebugValue::Gauge(value) => (key.name().to_owned(), state, value.into_inner()),
                    other => panic!("not a gauge: {other:?}"),
                }
            })
            .collect();
        gauges.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let state = |name: &str| Some(name.to_owned());
        assert_eq!(
            gauges,
            [
                (ACTIONS.to_owned(), state("dead"), 4.0),
                (ACTIONS.to_owned(), state("due"), 2.0),
                (ACTIONS.to_owned(), state("running"), 1.0),
                (ACTIONS.to_owned(), state("waiting"), 3.0),
                (ACTIONS_OLDEST_DUE.to_owned(), None, 1.5),
            ]
        );
        assert!(gauges
            .iter()
            .filter_map(|(_, state, _)| state.as_deref())
            .all(|state| QUEUE_STATES.contains(&state)));
    }

    #[test]
    fn store_outcomes_are_bounded() {
        use crate::ErrorKind::*;
        let kinds = [
            None,
            Some(Unavailable),
            Some(Timeout),
            Some(Exhausted),
            Some(InProgress),
            Some(InvalidResponse),
            Some(InvalidPayload),
            Some(InvalidConfig),
        ];
        for kind in kinds {
            assert!(STORE_OUTCOMES.contains(&store_outcome(kind)), "{kind:?}");
        }
    }
}
