//! A store that is down or slow, as the caller sees it: a quick `503
//! {"message"}` that names no host and no password.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use claimkit::{Error, ErrorKind};

/// The default bound on one store operation, connecting included: well
/// inside the platform's timeout for a plugin call.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// What the caller reads when the store fails: no detail of the store.
const MESSAGE: &str = "the plugin's store is unavailable; try again later";

/// The error for a failed store call; the cause goes to the log only (the
/// drivers' errors name no password).
pub(crate) fn unavailable(backend: &'static str, cause: &dyn Display) -> Error {
    tracing::warn!(backend, error = %cause, "store call failed");
    Error::with_message(ErrorKind::Unavailable, MESSAGE)
}

/// Runs one store operation within `timeout`: its own error, or
/// [`ErrorKind::Unavailable`] when the store failed or did not answer in
/// time.
pub(crate) async fn bounded<T, E: Display>(
    backend: &'static str,
    timeout: Duration,
    operation: impl Future<Output = Result<Result<T, Error>, E>>,
) -> Result<T, Error> {
    match tokio::time::timeout(timeout, operation).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(cause)) => Err(unavailable(backend, &cause)),
        Err(_) => Err(unavailable(
            backend,
            &format_args!("no answer within {timeout:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_store_fails_in_time_and_a_failed_one_says_nothing_of_itself() {
        let slow = bounded::<(), &str>("test", Duration::from_millis(50), std::future::pending());
        let started = std::time::Instant::now();
        let err = slow.await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.status(), 503);

        let failed = bounded::<(), _>("test", DEFAULT_TIMEOUT, async {
            Err("connection to db.internal:5432 refused")
        });
        let err = failed.await.unwrap_err();
        assert_eq!(err.message(), MESSAGE);

        let own = bounded::<(), &str>("test", DEFAULT_TIMEOUT, async {
            Ok(Err(Error::new(ErrorKind::Exhausted)))
        });
        assert_eq!(own.await.unwrap_err().kind(), ErrorKind::Exhausted);
    }
}
