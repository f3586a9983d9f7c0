//! The client's metrics, through the `metrics` facade: the application
//! picks the exporter.

use std::time::Duration;

use crate::ErrorKind;

/// Requests made to the BitBadges API, by `route` and `result`: each one
/// cost the account a credit.
pub const REQUESTS_TOTAL: &str = "claimkit_bitbadges_requests_total";

/// How long each request took, in seconds, by `route`.
pub const REQUEST_DURATION_SECONDS: &str = "claimkit_bitbadges_request_duration_seconds";

/// Counts one request and its duration. Both labels are bounded: a route's
/// name and a result, never an id, an address or the key.
pub(crate) fn record(route: &'static str, failure: Option<ErrorKind>, took: Duration) {
    let result = failure.map_or("ok", result_label);
    metrics::counter!(REQUESTS_TOTAL, "route" => route, "result" => result).increment(1);
    metrics::histogram!(REQUEST_DURATION_SECONDS, "route" => route).record(took.as_secs_f64());
}

/// The `result` label of a failed request.
fn result_label(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Config => "config",
        ErrorKind::Unauthorized => "unauthorized",
        ErrorKind::OutOfCredits => "out_of_credits",
        ErrorKind::RateLimited => "rate_limited",
        ErrorKind::NotKnownYet => "not_known_yet",
        ErrorKind::Rejected => "rejected",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Transport => "transport",
        ErrorKind::Decode => "decode",
        ErrorKind::Encode => "encode",
    }
}
