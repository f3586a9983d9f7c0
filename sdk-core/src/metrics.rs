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
//!
//! Labels are bounded: `route` is a name the code gives a route
//! ([`RouteOptions::with_name`](crate::RouteOptions::with_name)), `preset`
//! one of [`PRESETS`], a plugin call's `status` an HTTP status code,
//! `reason` one of [`REASONS`], a settled outcome's `status` `success` or
//! `failure`. No claim id, attempt id, address or secret is ever a label.
//!
//! Handles are made at first use and kept (a plugin route's at its first
//! answer of each status): install the application's recorder before
//! serving.
//!
//! ```
//! assert_eq!(claimkit::metrics::REFUSED, "claimkit_refused_total");
//! ```

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
}
