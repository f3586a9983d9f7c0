//! The metrics claimkit records, through the [`metrics`] facade: the
//! application installs the exporter it wants (`metrics-exporter-prometheus`
//! in the examples); with none installed, recording costs next to nothing.
//! No claimkit library depends on an exporter.
//!
//! | metric | type | labels | what |
//! |---|---|---|---|
//! | [`PLUGIN_CALLS`] | counter | `route`, `preset`, `status` | plugin calls answered |
//! | [`PLUGIN_CALL_DURATION`] | histogram (seconds) | `route` | from the call's arrival to its answer |
//! | [`REFUSED`] | counter | `reason` | calls and webhooks refused before the handler ran |
//!
//! Labels are bounded: `route` is the route's pattern (`/plugins/claim-number`,
//! never the path a caller sent), `preset` one of [`PRESETS`], `status` the
//! answer's status code, `reason` one of [`REASONS`]. No claim id, attempt id,
//! address or secret is ever a label.
//!
//! The latency histogram's buckets are the exporter's to set;
//! [`DURATION_BUCKETS`] puts edges at the plugin deadline (5 s) and at the
//! platform's own time-outs (6 s and 10 s), so a dashboard shows how close
//! calls come to being cut off.
//!
//! ```
//! use claimkit::metrics::{DURATION_BUCKETS, PLUGIN_CALL_DURATION};
//! assert_eq!(PLUGIN_CALL_DURATION, "claimkit_plugin_call_duration_seconds");
//! assert!(DURATION_BUCKETS.contains(&claimkit::DEFAULT_DEADLINE.as_secs_f64()));
//! ```

use std::cell::Cell;
use std::time::Duration;

use metrics::SharedString;

use crate::ErrorKind;

/// Plugin calls answered, by `route`, `preset` and `status`.
pub const PLUGIN_CALLS: &str = "claimkit_plugin_calls_total";

/// How long plugin calls took to answer, in seconds, by `route`.
pub const PLUGIN_CALL_DURATION: &str = "claimkit_plugin_call_duration_seconds";

/// Calls and webhook deliveries refused before their handler ran, by
/// `reason` ([`REASONS`]).
pub const REFUSED: &str = "claimkit_refused_total";

/// The values of the `preset` label: what the handler answered with
/// (`error` for a refusal or failure answered by claimkit, `invalid` for a
/// response that broke the protocol and was answered `500`, `none` for an
/// answer made outside claimkit).
pub const PRESETS: &[&str] = &[
    "stateless",
    "claim_token",
    "claim_number",
    "custom",
    "reject",
    "error",
    "invalid",
    "none",
];

/// The values of the `reason` label of [`REFUSED`].
pub const REASONS: &[&str] = &["secret", "signature", "body_size", "decoding", "method"];

/// Histogram buckets for [`PLUGIN_CALL_DURATION`], in seconds: fine below
/// 100 ms, then edges at the plugin deadline (5 s) and the platform's
/// time-outs (6 s, 10 s).
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0,
];

thread_local! {
    /// The preset rendered last on this thread, read by the call's tracing
    /// future in the poll that answers it.
    static RENDERED: Cell<&'static str> = const { Cell::new("none") };
}

/// Notes the preset a response was rendered from (by [`render`](crate::render)).
pub(crate) fn note_preset(preset: &'static str) {
    RENDERED.with(|rendered| rendered.set(preset));
}

/// Forgets the preset noted on this thread: called before polling a call,
/// so that only what the call itself renders counts.
pub(crate) fn forget_preset() {
    RENDERED.with(|rendered| rendered.set("none"));
}

/// The preset noted on this thread since [`forget_preset`].
pub(crate) fn noted_preset() -> &'static str {
    RENDERED.with(Cell::get)
}

/// Records one answered plugin call.
pub(crate) fn plugin_call(route: &SharedString, status: u16, elapsed: Duration) {
    let preset = noted_preset();
    metrics::counter!(
        PLUGIN_CALLS,
        "route" => route.clone(),
        "preset" => preset,
        "status" => status_label(status),
    )
    .increment(1);
    metrics::histogram!(PLUGIN_CALL_DURATION, "route" => route.clone()).record(elapsed);
}

/// Records a refusal of `kind`, if it is one a caller caused.
pub(crate) fn refused(kind: ErrorKind) {
    let reason = match kind {
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
        _ => return,
    };
    metrics::counter!(REFUSED, "reason" => reason).increment(1);
}

/// A status code as a label, without allocating for the usual ones.
fn status_label(status: u16) -> SharedString {
    let common = match status {
        200 => "200",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        409 => "409",
        413 => "413",
        415 => "415",
        429 => "429",
        500 => "500",
        503 => "503",
        _ => return SharedString::from_owned(status.to_string()),
    };
    SharedString::const_str(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buckets_rise_and_hold_the_deadline() {
        assert!(DURATION_BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(DURATION_BUCKETS.contains(&crate::DEFAULT_DEADLINE.as_secs_f64()));
    }

    #[test]
    fn status_labels_are_the_codes() {
        for status in [200, 401, 413, 503, 418, 599] {
            assert_eq!(&*status_label(status), status.to_string());
        }
    }

    #[test]
    fn a_noted_preset_is_read_until_forgotten() {
        forget_preset();
        assert_eq!(noted_preset(), "none");
        note_preset("claim_number");
        assert_eq!(noted_preset(), "claim_number");
        forget_preset();
        assert_eq!(noted_preset(), "none");
    }
}
