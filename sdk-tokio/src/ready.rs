//! A readiness check within its bound, on Tokio's timer.

use claimkit::health::{Ping, Readiness};
use claimkit::Error;

/// Checks `readiness`: [`Readiness::draining_error`] while the server
/// drains, else the store's [`Ping`] within [`Readiness::timeout`]. What
/// both adapters' `readiness` routes answer, the error as `503
/// {"message"}`.
///
/// # Errors
/// `503` ([`claimkit::ErrorKind::Unavailable`]) when draining, when the
/// store fails ([`Readiness::store_error`]) and when it does not answer in
/// time ([`Readiness::timeout_error`]).
///
/// ```
/// use std::sync::Arc;
/// use claimkit::health::Readiness;
/// use claimkit::store::MemoryStore;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let readiness = Readiness::new(Arc::new(MemoryStore::default()));
/// assert!(claimkit_tokio::ready(&readiness).await.is_ok());
/// readiness.drain();
/// assert_eq!(claimkit_tokio::ready(&readiness).await.unwrap_err().status(), 503);
/// # }
/// ```
pub async fn ready<P: Ping>(readiness: &Readiness<P>) -> Result<(), Error> {
    if readiness.is_draining() {
        return Err(Readiness::<P>::draining_error());
    }
    match tokio::time::timeout(readiness.timeout(), readiness.store().ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(Readiness::<P>::store_error(err)),
        Err(_elapsed) => {
            let err = readiness.timeout_error();
            tracing::warn!(message = err.message(), "not ready");
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use claimkit::health::{Ping, Readiness};
    use claimkit::{Error, ErrorKind};

    /// A store that never answers.
    #[derive(Clone)]
    struct Silent;

    impl Ping for Silent {
        async fn ping(&self) -> Result<(), Error> {
            std::future::pending().await
        }
    }

    /// A store that answers with an error.
    struct Down;

    impl Ping for Down {
        async fn ping(&self) -> Result<(), Error> {
            Err(Error::unavailable("connection refused"))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_store_is_not_ready_at_the_bound() {
        let readiness = Readiness::new(Silent).with_timeout(Duration::from_millis(300));
        let started = tokio::time::Instant::now();
        let err = super::ready(&readiness).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_millis(300));
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(
            err.message(),
            "the plugin's store did not answer within 300 ms"
        );
    }

    #[tokio::test]
    async fn a_failed_store_and_a_draining_server_are_not_ready() {
        let err = super::ready(&Readiness::new(Down)).await.unwrap_err();
        assert_eq!(err.status(), 503);
        assert_eq!(
            err.message(),
            "the plugin's store is unavailable; try again later"
        );
        let readiness = Readiness::new(Silent);
        readiness.clone().drain();
        let err = super::ready(&readiness).await.unwrap_err();
        assert_eq!(err.message(), "the server is shutting down");
    }
}
