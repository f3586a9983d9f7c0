//! Where verifiers read the current time from.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, for checking signed timestamps.
///
/// Verifiers use [`SystemClock`] unless given another; tests use
/// [`FixedClock`] to verify a recorded delivery at the moment it was signed.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock: [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that always tells the same time.
///
/// ```
/// use claimkit::signature::{Clock, FixedClock};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let clock = FixedClock::at_unix(1_614_265_330);
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_614_265_330));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(SystemTime);

impl FixedClock {
    /// A clock stopped at `time`.
    pub const fn new(time: SystemTime) -> Self {
        Self(time)
    }

    /// A clock stopped at `secs` seconds after the UNIX epoch.
    ///
    /// # Panics
    /// When the time cannot be represented by [`SystemTime`] on this
    /// platform (far beyond the year 292 billion on Linux).
    pub fn at_unix(secs: u64) -> Self {
        Self(
            UNIX_EPOCH
                .checked_add(Duration::from_secs(secs))
                .expect("a time this platform can represent"),
        )
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_moves_and_shared_clocks_delegate() {
        let before = SystemTime::now();
        assert!(SystemClock.now() >= before);
        let shared: Arc<dyn Clock> = Arc::new(FixedClock::at_unix(7));
        assert_eq!(shared.now(), UNIX_EPOCH + Duration::from_secs(7));
        let boxed: Box<dyn Clock> = Box::new(FixedClock::new(UNIX_EPOCH));
        assert_eq!(boxed.now(), UNIX_EPOCH);
    }
}
