//! A store that is down, slow or holds what it never should, as the caller
//! sees it: a quick `503 {"message"}` that names no host and no password,
//! with the cause as the error's `source()` and in the log.
//!
//! Built without a backend (no feature), only [`DEFAULT_TIMEOUT`] is used.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "redis")),
    allow(dead_code, unused_imports)
)]

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use claimkit::Error;

/// The default bound on one store operation, connecting and waiting for a
/// connection, a lock or a batch included, for every backend: well inside
/// the platform's timeout for a plugin call. Each backend's builder sets
/// its own (`timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The error for a failed store call: [`Error::unavailable`] with `cause`
/// as its source, logged (the drivers' errors name no password).
pub(crate) fn unavailable(
    backend: &'static str,
    cause: impl Into<Box<dyn StdError + Send + Sync>>,
) -> Error {
    let cause = cause.into();
    tracing::warn!(backend, error = %cause, "store call failed");
    Error::unavailable(cause)
}

/// The error for a value the store should never hold (a negative number,
/// an unknown state): never a default in its place.
pub(crate) fn corrupt(backend: &'static str, what: impl Into<String>) -> Error {
    let cause = Corrupt(what.into());
    tracing::error!(backend, error = %cause, "the store holds a value it never writes");
    Error::unavailable(cause)
}

/// `value` as a `u64`, or [`corrupt`] when it is negative.
pub(crate) fn whole(backend: &'static str, what: &str, value: i64) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| corrupt(backend, format!("{what} is negative: {value}")))
}

/// `value` as a `u32` count, or [`corrupt`] when it is negative or too
/// large.
pub(crate) fn count(backend: &'static str, what: &str, value: i64) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| corrupt(backend, format!("{what} is out of range: {value}")))
}

/// A value read inside a driver's call: a [`corrupt`] one fails the call
/// as a decoding error (the error keeps its message as its source).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn decoded<T>(value: Result<T, Error>) -> Result<T, sqlx::Error> {
    value.map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// A store's value that breaks its own invariants.
#[derive(Debug)]
struct Corrupt(String);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the store holds a corrupt value: {}", self.0)
    }
}

impl StdError for Corrupt {}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
/// A store that did not answer within its bound.
#[derive(Debug)]
pub(crate) struct NoAnswer(pub(crate) Duration);

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the store did not answer within {:?}", self.0)
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
impl StdError for NoAnswer {}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
/// Runs one store operation within `timeout`: its own error, or
/// [`unavailable`] when the store failed or did not answer in time.
pub(crate) async fn bounded<T, E: Into<Box<dyn StdError + Send + Sync>>>(
    backend: &'static str,
    timeout: Duration,
    operation: impl Future<Output = Result<Result<T, Error>, E>>,
) -> Result<T, Error> {
    match tokio::time::timeout(timeout, operation).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(cause)) => Err(unavailable(backend, cause)),
        Err(_) => Err(unavailable(backend, NoAnswer(timeout))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimkit::ErrorKind;

    const MESSAGE: &str = "the plugin's store is unavailable; try again later";

    // Timed by Tokio's paused clock: only timers move it, so the bound is
    // exact (to the timer's millisecond tick) however loaded the machine.
    #[tokio::test(start_paused = true)]
    async fn a_slow_store_fails_in_time_and_a_failed_one_says_nothing_of_itself() {
        let slow = bounded::<(), &str>("test", Duration::from_millis(50), std::future::pending());
        let started = tokio::time::Instant::now();
        let err = slow.await.unwrap_err();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(50) && waited <= Duration::from_millis(51),
            "{waited:?}"
        );
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.status(), 503);
        assert_eq!(
            err.source().unwrap().to_string(),
            "the store did not answer within 50ms"
        );

        let failed = bounded::<(), _>("test", DEFAULT_TIMEOUT, async {
            Err("connection to db.internal:5432 refused")
        });
        let err = failed.await.unwrap_err();
        assert_eq!(err.message(), MESSAGE);
        assert_eq!(
            err.source().unwrap().to_string(),
            "connection to db.internal:5432 refused"
        );

        let own = bounded::<(), &str>("test", DEFAULT_TIMEOUT, async {
            Ok(Err(Error::new(ErrorKind::Exhausted)))
        });
        assert_eq!(own.await.unwrap_err().kind(), ErrorKind::Exhausted);
    }

    #[test]
    fn a_negative_number_is_an_error_never_a_default() {
        assert_eq!(whole("test", "a claim number", 7).unwrap(), 7);
        let err = whole("test", "a claim number", -1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.message(), MESSAGE);
        assert_eq!(
            err.source().unwrap().to_string(),
            "the store holds a corrupt value: a claim number is negative: -1"
        );
        assert!(count("test", "a try count", -3).is_err());
        assert!(count("test", "a try count", i64::MAX).is_err());
    }
}
