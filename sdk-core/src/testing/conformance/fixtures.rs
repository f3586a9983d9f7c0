//! The times, pools and ids the checks share.

use std::time::Duration;

use crate::store::{random_token, ClaimPool, DeliveryTerms};

/// The short times of the expiry check.
pub(super) const SHORT: Duration = Duration::from_secs(2);
/// Long enough to hold through any check.
pub(super) const LONG: Duration = Duration::from_secs(3600);
/// What must still hold after a check's wait: far longer than any pause a
/// loaded machine makes between two calls, so that a check that something
/// has not happened yet never races the clock, and short enough that
/// seconds read as milliseconds still show.
pub(super) const WIDE: Duration = Duration::from_secs(60);

pub(super) fn pool(claim_id: &str, limit: Option<u64>) -> ClaimPool<'_> {
    ClaimPool {
        claim_id,
        limit,
        hold: LONG,
    }
}

pub(super) fn terms(lease: Duration, retention: Duration) -> DeliveryTerms {
    DeliveryTerms { lease, retention }
}

pub(super) fn id(prefix: &str) -> String {
    format!("{prefix}-{}", &random_token()[..12])
}
