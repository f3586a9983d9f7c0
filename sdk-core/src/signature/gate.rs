//! Everything a webhook endpoint does before its handler runs, in one place
//! for every adapter: the body limit, the signature, redeliveries.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::replay::{self, DeliveryState};
use super::{Delivery, Headers, Verifier};
use crate::config::check_content_length;
use crate::store::{Dedupe, MemoryDedupe};
use crate::Error;

/// The default body limit of a webhook endpoint: 1 MiB.
pub const DEFAULT_WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// What to do with a delivery whose id was seen before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Redeliveries {
    /// Answer `200 {}` at once, without running the handler again (the
    /// default): the sender stops retrying, and the work is done once.
    #[default]
    Acknowledge,
    /// Run the handler, with [`Delivery::is_redelivery`] set.
    Forward,
}

/// The checks a signed-webhook endpoint makes before its handler runs,
/// without a web framework: the declared length against the limit, the
/// signature (with any [`Verifier`]), and whether the delivery was seen
/// before (with a [`Dedupe`] store).
///
/// The axum layer and extractor and the actix middleware and extractor all
/// drive one of these, so they behave the same.
///
/// ```
/// use claimkit::signature::{HmacScheme, HmacVerifier, WebhookGate};
/// use claimkit::Secret;
/// # futures_executor::block_on(async {
/// let secret = Secret::new("It's a Secret to Everybody")?;
/// let gate = WebhookGate::new(HmacVerifier::new(HmacScheme::github(), secret)?);
///
/// let body = b"Hello, World!";
/// let headers = [
///     ("x-hub-signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
///     ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
/// ];
/// let first = gate.admit(&headers, body).await?;
/// assert_eq!(first.delivery().id(), Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
/// assert!(!first.acknowledge_only());
///
/// // The sender retries: the same delivery is acknowledged, not run again.
/// let retry = gate.admit(&headers, body).await?;
/// assert!(retry.acknowledge_only());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct WebhookGate<V, D = MemoryDedupe> {
    verifier: V,
    dedupe: Option<Arc<D>>,
    body_limit: usize,
    redeliveries: Redeliveries,
}

impl<V: Verifier> WebhookGate<V> {
    /// A gate for `verifier`, remembering delivery ids in memory
    /// ([`MemoryDedupe`]), with a 1 MiB body limit.
    pub fn new(verifier: V) -> Self {
        Self {
            verifier,
            dedupe: Some(Arc::new(MemoryDedupe::default())),
            body_limit: DEFAULT_WEBHOOK_BODY_LIMIT,
            redeliveries: Redeliveries::default(),
        }
    }
}

impl<V: Verifier, D: Dedupe> WebhookGate<V, D> {
    /// Remembers delivery ids in `dedupe` (a shared store, when the endpoint
    /// runs on several machines).
    pub fn with_dedupe<E: Dedupe>(self, dedupe: Arc<E>) -> WebhookGate<V, E> {
        WebhookGate {
            verifier: self.verifier,
            dedupe: Some(dedupe),
            body_limit: self.body_limit,
            redeliveries: self.redeliveries,
        }
    }

    /// Remembers no delivery ids: every verified delivery runs the handler.
    pub fn without_dedupe(mut self) -> Self {
        self.dedupe = None;
        self
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Sets what happens to a delivery seen before.
    pub fn with_redeliveries(mut self, redeliveries: Redeliveries) -> Self {
        self.redeliveries = redeliveries;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The verifier.
    pub fn verifier(&self) -> &V {
        &self.verifier
    }

    /// Checks the declared `Content-Length` before the body is read.
    ///
    /// # Errors
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) over the
    /// limit, [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody)
    /// for a value that is not a number.
    pub fn check_length(&self, content_length: Option<&[u8]>) -> Result<(), Error> {
        check_content_length(content_length, self.body_limit)
    }

    /// Verifies a delivery and recognises a redelivery. Call it with the
    /// exact body bytes, read within [`body_limit`](Self::body_limit).
    ///
    /// # Errors
    /// The verifier's errors (`400`/`401`), the store's, and
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) for a body
    /// over the limit.
    pub async fn admit<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Admission, Error> {
        if body.len() > self.body_limit {
            return Err(Error::body_too_large(self.body_limit));
        }
        let verified = self.verifier.verify(headers, body)?;
        let mut delivery = verified.into_delivery();
        if let Some(id) = delivery.id() {
            tracing::Span::current().record("webhook_id", id);
        }
        let state = match &self.dedupe {
            Some(dedupe) => replay::begin(&**dedupe, delivery.id()).await?,
            None => DeliveryState::New,
        };
        if state.is_duplicate() {
            delivery.mark_redelivery();
        }
        let acknowledge_only =
            state.is_duplicate() && self.redeliveries == Redeliveries::Acknowledge;
        if acknowledge_only {
            tracing::info!(
                webhook_id = delivery.id(),
                "redelivery acknowledged without running the handler"
            );
        }
        Ok(Admission {
            delivery,
            acknowledge_only,
        })
    }

    /// Tells the gate how the handler answered. A delivery whose handler did
    /// not succeed (a status outside `200..=299`) is forgotten, so that the
    /// sender's retry runs the handler again.
    pub async fn finish(&self, delivery: &Delivery, status: u16) {
        if succeeded(status) || delivery.is_redelivery() {
            return;
        }
        if let (Some(dedupe), Some(id)) = (&self.dedupe, delivery.id()) {
            forget(&**dedupe, id).await;
        }
    }

    /// Marks the handler of an admitted `delivery` as running, for a caller
    /// that may not see it end: a handler that panics, or whose future is
    /// dropped at a deadline or when the connection closes, never reports
    /// its status. Report it with [`Running::finish`]; if the guard is
    /// dropped first, the delivery is forgotten all the same, by a task
    /// handed to `spawn`, so that the sender's retry runs the handler.
    ///
    /// `spawn` runs a future on the caller's runtime (the core has none).
    ///
    /// ```
    /// use claimkit::signature::{HmacScheme, HmacVerifier, WebhookGate};
    /// use claimkit::Secret;
    /// # futures_executor::block_on(async {
    /// let gate = WebhookGate::new(HmacVerifier::new(HmacScheme::claimr(), Secret::new("k")?)?);
    /// let body = br#"{"id":"d1"}"#;
    /// let headers = claimkit::testing::Signer::claimr("k").sign(body);
    ///
    /// let admitted = gate.admit(&headers, body).await?;
    /// // Here `spawn` runs the task on a thread of its own, to the end.
    /// let spawn: claimkit::signature::Spawn = |task| {
    ///     std::thread::spawn(|| futures_executor::block_on(task)).join().unwrap()
    /// };
    /// let running = gate.running(admitted.delivery(), spawn);
    /// drop(running); // the handler never finished
    ///
    /// // The sender's retry runs the handler again.
    /// assert!(!gate.admit(&headers, body).await?.acknowledge_only());
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    #[must_use = "dropping the guard at once forgets the delivery"]
    pub fn running(&self, delivery: &Delivery, spawn: Spawn) -> Running<D> {
        let forget = match (&self.dedupe, delivery.id()) {
            (Some(dedupe), Some(id)) if !delivery.is_redelivery() => {
                Some((Arc::clone(dedupe), id.to_owned()))
            }
            _ => None,
        };
        Running { forget, spawn }
    }
}

/// Runs a future to completion on the caller's runtime, without waiting for
/// it, as `tokio::spawn` does (both adapters spawn on the current Tokio
/// runtime).
pub type Spawn = fn(Pin<Box<dyn Future<Output = ()> + Send>>);

/// The handler of an admitted delivery, running (see
/// [`WebhookGate::running`]). Dropped before [`finish`](Self::finish), it
/// forgets the delivery, so that the retry runs the handler again.
#[must_use = "dropping the guard at once forgets the delivery"]
pub struct Running<D: Dedupe + 'static> {
    forget: Option<(Arc<D>, String)>,
    spawn: Spawn,
}

impl<D: Dedupe + 'static> Running<D> {
    /// Reports how the handler answered: a delivery whose handler did not
    /// succeed (a status outside `200..=299`) is forgotten, so that the
    /// sender's retry runs the handler again.
    pub async fn finish(mut self, status: u16) {
        let Some((dedupe, id)) = self.forget.take() else {
            return;
        };
        if !succeeded(status) {
            forget(&*dedupe, &id).await;
        }
    }
}

impl<D: Dedupe + 'static> Drop for Running<D> {
    fn drop(&mut self) {
        let Some((dedupe, id)) = self.forget.take() else {
            return;
        };
        tracing::warn!(
            webhook_id = %id,
            "the webhook handler did not finish; the delivery is forgotten so that its retry runs"
        );
        (self.spawn)(Box::pin(async move { forget(&*dedupe, &id).await }));
    }
}

impl<D: Dedupe + 'static> fmt::Debug for Running<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("webhook_id", &self.forget.as_ref().map(|(_, id)| id))
            .finish_non_exhaustive()
    }
}

/// Whether a handler's status is a success: `200..=299`.
fn succeeded(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Forgets a delivery whose handler did not succeed; a store error is
/// logged, for the retry will then be acknowledged without running.
async fn forget<D: Dedupe + ?Sized>(dedupe: &D, id: &str) {
    if let Err(err) = replay::abandon(dedupe, id).await {
        tracing::error!(error = %err, webhook_id = id, "could not forget a failed delivery; its retry will be acknowledged");
    }
}

/// A delivery the gate let through.
#[derive(Debug, Clone)]
pub struct Admission {
    delivery: Delivery,
    acknowledge_only: bool,
}

impl Admission {
    /// The verified delivery.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Takes the verified delivery.
    pub fn into_delivery(self) -> Delivery {
        self.delivery
    }

    /// Whether to answer `200 {}` without running the handler: the delivery
    /// was seen before and redeliveries are acknowledged.
    pub fn acknowledge_only(&self) -> bool {
        self.acknowledge_only
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{HmacScheme, HmacVerifier, StandardWebhooks};
    use crate::testing::Signer;
    use crate::{ErrorKind, Secret};
    use futures_executor::block_on;

    fn gate() -> WebhookGate<HmacVerifier> {
        WebhookGate::new(
            HmacVerifier::new(HmacScheme::claimr(), Secret::new("k").unwrap()).unwrap(),
        )
    }

    #[test]
    fn a_failed_handler_lets_the_retry_through() {
        block_on(async {
            let gate = gate();
            let body = br#"{"id":"d1"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            assert!(!first.acknowledge_only());
            gate.finish(first.delivery(), 500).await;
            let retry = gate.admit(&headers, body).await.unwrap();
            assert!(
                !retry.acknowledge_only(),
                "the failed delivery is run again"
            );
            gate.finish(retry.delivery(), 200).await;
            let again = gate.admit(&headers, body).await.unwrap();
            assert!(again.acknowledge_only());
            assert!(again.delivery().is_redelivery());
            // Finishing a redelivery forgets nothing.
            gate.finish(again.delivery(), 500).await;
            assert!(gate.admit(&headers, body).await.unwrap().acknowledge_only());
        });
    }

    #[test]
    fn a_handler_that_never_finishes_lets_the_retry_through() {
        block_on(async {
            let gate = gate();
            let body = br#"{"id":"d3"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            let spawn: Spawn = |task| std::thread::spawn(|| block_on(task)).join().unwrap();
            drop(gate.running(first.delivery(), spawn));
            let retry = gate.admit(&headers, body).await.unwrap();
            assert!(!retry.acknowledge_only(), "the dropped delivery runs again");

            // Finished with success: remembered; finished with a failure: forgotten.
            gate.running(retry.delivery(), |_| {
                unreachable!("finished, never spawned")
            })
            .finish(200)
            .await;
            let acknowledged = gate.admit(&headers, body).await.unwrap();
            assert!(acknowledged.acknowledge_only());
            // A redelivery's guard forgets nothing, even dropped.
            drop(gate.running(acknowledged.delivery(), |_| {
                unreachable!("nothing to forget")
            }));
            assert!(gate.admit(&headers, body).await.unwrap().acknowledge_only());

            let body = br#"{"id":"d4"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            gate.running(first.delivery(), |_| {
                unreachable!("finished, never spawned")
            })
            .finish(503)
            .await;
            assert!(!gate.admit(&headers, body).await.unwrap().acknowledge_only());
        });
    }

    #[test]
    fn redeliveries_can_be_forwarded_or_not_tracked() {
        block_on(async {
            let body = br#"{"id":"d2"}"#;
            let headers = Signer::claimr("k").sign(body);
            let forward = gate().with_redeliveries(Redeliveries::Forward);
            forward.admit(&headers, body).await.unwrap();
            let second = forward.admit(&headers, body).await.unwrap();
            assert!(!second.acknowledge_only());
            assert!(second.delivery().is_redelivery());

            let untracked = gate().without_dedupe();
            untracked.admit(&headers, body).await.unwrap();
            let second = untracked.admit(&headers, body).await.unwrap();
            assert!(!second.acknowledge_only());
            assert!(!second.delivery().is_redelivery());
        });
    }

    #[test]
    fn limits_and_signatures_are_checked() {
        block_on(async {
            let gate = gate().with_body_limit(8);
            assert_eq!(gate.body_limit(), 8);
            assert!(gate.check_length(Some(b"8")).is_ok());
            assert!(gate.check_length(None).is_ok());
            assert_eq!(
                gate.check_length(Some(b"9")).unwrap_err().kind(),
                ErrorKind::BodyTooLarge
            );
            assert_eq!(
                gate.check_length(Some(b"x")).unwrap_err().kind(),
                ErrorKind::MalformedBody
            );
            let body = b"0123456789";
            let headers = Signer::claimr("k").sign(body);
            assert_eq!(
                gate.admit(&headers, body).await.unwrap_err().kind(),
                ErrorKind::BodyTooLarge
            );
            let headers = Signer::claimr("wrong").sign(b"{}");
            assert_eq!(
                gate.admit(&headers, b"{}").await.unwrap_err().kind(),
                ErrorKind::InvalidSignature
            );
        });
    }

    #[test]
    fn a_shared_store_can_back_it() {
        block_on(async {
            let store = Arc::new(MemoryDedupe::default());
            let verifier = StandardWebhooks::new(
                Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            )
            .unwrap();
            let a = WebhookGate::new(verifier.clone()).with_dedupe(store.clone());
            let b = WebhookGate::new(verifier).with_dedupe(store);
            let body = b"{}";
            let headers = Signer::standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .unwrap()
                .with_id("msg_1")
                .sign(body);
            assert!(!a.admit(&headers, body).await.unwrap().acknowledge_only());
            assert!(
                b.admit(&headers, body).await.unwrap().acknowledge_only(),
                "the second machine sees the first's delivery"
            );
        });
    }
}
