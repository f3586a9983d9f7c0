//! Signed timestamps: parsing them and checking them against a tolerance.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::headers::malformed;
use crate::{Error, ErrorKind};

/// How far a signed timestamp may lie from the verifier's clock, separately
/// into the past and into the future.
///
/// A signed timestamp bounds how long a captured delivery can be replayed.
/// The default, five minutes each way, is what the Standard Webhooks, Stripe
/// and Slack libraries use. Keep deliveries in the replay store
/// ([`replay`](super::replay)) for at least the past tolerance, so that a
/// replay inside the window is still recognised as a duplicate.
///
/// ```
/// use claimkit::signature::Tolerance;
/// use std::time::Duration;
///
/// let t = Tolerance::default();
/// assert_eq!(t.past(), Duration::from_secs(300));
/// assert_eq!(t.future(), Duration::from_secs(300));
///
/// // Senders whose clocks run early are rarer than late deliveries.
/// let t = Tolerance::new(Duration::from_secs(600), Duration::from_secs(30));
/// assert_eq!(t.future(), Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tolerance {
    past: Duration,
    future: Duration,
}

impl Tolerance {
    /// Five minutes into the past and five into the future.
    pub const DEFAULT: Self = Self::symmetric(Duration::from_secs(5 * 60));

    /// A tolerance of `past` for timestamps behind the clock and `future`
    /// for timestamps ahead of it.
    pub const fn new(past: Duration, future: Duration) -> Self {
        Self { past, future }
    }

    /// The same tolerance in both directions.
    pub const fn symmetric(both: Duration) -> Self {
        Self::new(both, both)
    }

    /// How old a signed timestamp may be.
    pub const fn past(self) -> Duration {
        self.past
    }

    /// How far ahead of the clock a signed timestamp may be.
    pub const fn future(self) -> Duration {
        self.future
    }

    /// Whether `signed` (UNIX seconds) is within the tolerance of `now`.
    /// Compared in whole seconds: exactly the tolerance passes.
    pub(crate) fn check(self, now: SystemTime, signed: u64) -> Result<(), Error> {
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let fresh = if signed <= now {
            Duration::from_secs(now - signed) <= self.past
        } else {
            Duration::from_secs(signed - now) <= self.future
        };
        if fresh {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::StaleTimestamp))
        }
    }
}

impl Tolerance {
    /// Whether `signed` (UNIX **milliseconds**) is within the tolerance of
    /// `now`, compared in whole milliseconds: exactly the tolerance passes.
    pub(crate) fn check_millis(self, now: SystemTime, signed: u64) -> bool {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        });
        if signed <= now {
            Duration::from_millis(now - signed) <= self.past
        } else {
            Duration::from_millis(signed - now) <= self.future
        }
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Reads a UNIX timestamp in seconds: decimal digits only, no sign, no
/// fraction.
pub(crate) fn parse_unix(text: &str) -> Result<u64, Error> {
    const MALFORMED: &str = "the signature timestamp is not a whole number of seconds";
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(MALFORMED));
    }
    text.parse().map_err(|_| malformed(MALFORMED))
}

/// A UNIX timestamp as a [`SystemTime`], when the platform can represent it.
pub(crate) fn to_system_time(unix: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(unix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn the_edges_of_the_window() {
        let t = Tolerance::default();
        let now = at(10_000);
        assert!(t.check(now, 10_000 - 300).is_ok());
        assert!(t.check(now, 10_000 + 300).is_ok());
        let err = t.check(now, 10_000 - 301).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::StaleTimestamp);
        assert_eq!(err.status(), 401);
        assert!(t.check(now, 10_000 + 301).is_err());
        assert!(t.check(now, 0).is_err());
        assert!(t.check(now, u64::MAX).is_err());
        // Sub-second clock readings count in whole seconds.
        let now = at(10_000) + Duration::from_millis(999);
        assert!(t.check(now, 10_000 - 300).is_ok());
    }

    #[test]
    fn millisecond_edges() {
        let t = Tolerance::default();
        let now = UNIX_EPOCH + Duration::from_millis(1_800_000_000_000);
        assert!(t.check_millis(now, 1_800_000_000_000 - 300_000));
        assert!(!t.check_millis(now, 1_800_000_000_000 - 300_001));
        assert!(t.check_millis(now, 1_800_000_000_000 + 300_000));
        assert!(!t.check_millis(now, 1_800_000_000_000 + 300_001));
        assert!(!t.check_millis(now, u64::MAX));
        assert!(!t.check_millis(now, 0));
    }

    #[test]
    fn past_and_future_are_separate() {
        let t = Tolerance::new(Duration::from_secs(10), Duration::ZERO);
        assert!(t.check(at(100), 90).is_ok());
        assert!(t.check(at(100), 101).is_err());
        assert!(t.check(at(100), 100).is_ok());
    }

    #[test]
    fn only_plain_digits_are_timestamps() {
        assert_eq!(parse_unix("1614265330").unwrap(), 1_614_265_330);
        assert_eq!(parse_unix("0").unwrap(), 0);
        for bad in [
            "",
            "+5",
            "-5",
            "1.5",
            "1e9",
            " 1",
            "abc",
            "0x10",
            "99999999999999999999",
        ] {
            let err = parse_unix(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::MalformedSignature, "{bad:?}");
        }
        assert_eq!(to_system_time(5), Some(at(5)));
    }
}
