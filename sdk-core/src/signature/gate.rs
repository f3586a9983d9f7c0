//! Everything a webhook endpoint does before its handler runs, in one place
//! for every adapter: the body limit, the signature, redeliveries.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{replay, Delivery, Headers, Verifier};
use crate::head::check_content_length;
use crate::store::{Begun, Deliveries, DeliveryTerms, Lease, MemoryStore};
use crate::{body, Error, ErrorKind, RequestBody, Stateless};

/// The default body limit of a webhook endpoint: 1 MiB.
pub const DEFAULT_WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// What to do with a delivery whose id was seen before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Redeliveries {
    /// Answer `200 {}` at once for a delivery that is done, without running
    /// the handler again (the default): the sender stops retrying, and the
    /// work is done once. A delivery still in flight is answered `409`, so
    /// that the sender retries later.
    #[default]
    Acknowledge,
    /// Run the handler, with [`Delivery::is_redelivery`] set.
    Forward,
}

/// The checks a signed-webhook endpoint makes before its handler runs,
/// without a web framework: the declared length against the limit, the
/// signature (with any [`Verifier`]), and whether the delivery is new, in
/// flight or done (with a [`Deliveries`] store).
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
/// // The handler ran and answered 200.
/// gate.running(&first, |_| {}).finish(200).await;
///
/// // The sender retries: the same delivery is acknowledged, not run again.
/// let retry = gate.admit(&headers, body).await?;
/// assert!(retry.acknowledge_only());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct WebhookGate<V, D = MemoryStore> {
    verifier: V,
    deliveries: Option<Arc<D>>,
    terms: DeliveryTerms,
    body_limit: usize,
    redeliveries: Redeliveries,
}

impl<V: Verifier> WebhookGate<V> {
    /// A gate for `verifier`, keeping delivery ids in this process's memory
    /// ([`MemoryStore`]: lost on a restart), with a 1 MiB body limit.
    pub fn new(verifier: V) -> Self {
        Self {
            verifier,
            deliveries: Some(Arc::new(MemoryStore::default())),
            terms: DeliveryTerms::default(),
            body_limit: DEFAULT_WEBHOOK_BODY_LIMIT,
            redeliveries: Redeliveries::default(),
        }
    }
}

impl<V: Verifier, D: Deliveries> WebhookGate<V, D> {
    /// Keeps delivery ids in `deliveries` (a durable or shared store, so
    /// that a restart or another replica still recognises them).
    pub fn with_deliveries<E: Deliveries>(self, deliveries: Arc<E>) -> WebhookGate<V, E> {
        WebhookGate {
            verifier: self.verifier,
            deliveries: Some(deliveries),
            terms: self.terms,
            body_limit: self.body_limit,
            redeliveries: self.redeliveries,
        }
    }

    /// Keeps no delivery ids: every verified delivery runs the handler.
    pub fn without_deliveries(mut self) -> Self {
        self.deliveries = None;
        self
    }

    /// Sets how long a handler's lease lasts and how long a done delivery
    /// is remembered.
    pub fn with_terms(mut self, terms: DeliveryTerms) -> Self {
        self.terms = terms;
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

    /// Everything before a webhook handler runs, each step once and in
    /// order: the declared `Content-Length` against the limit, the body read
    /// whole within the limit ([`RequestBody`]), the signature, and the
    /// delivery's state.
    ///
    /// A refused body is drained within [`Drain`](crate::Drain)'s bounds
    /// before the refusal answers (so that the client reads the answer): the
    /// rest of a body over the limit, or the body of a refused declared
    /// length, as far as it allows. Returns what to do: answer at
    /// once (a refusal, a redelivery's `200 {}`, a duplicate in flight's
    /// `409`), or run the handler with the verified delivery and its body,
    /// under a [`Running`] guard made with `spawn` (see
    /// [`running`](Self::running)).
    ///
    /// Every adapter (a layer, a middleware, an extractor) is this one call
    /// and its two arms. A refusal is logged here ([`crate::trace::rejected`]).
    ///
    /// ```
    /// use claimkit::signature::{HmacScheme, HmacVerifier, Reception, WebhookGate};
    /// use claimkit::Secret;
    /// # futures_executor::block_on(async {
    /// let gate = WebhookGate::new(HmacVerifier::new(HmacScheme::claimr(), Secret::new("k")?)?);
    /// let body: &[u8] = br#"{"id":"d1"}"#;
    /// let headers = claimkit::testing::Signer::claimr("k").sign(body);
    ///
    /// let Reception::Run(admitted) = gate.receive(None, &headers, body, |_| {}).await else {
    ///     panic!("a new delivery runs");
    /// };
    /// assert_eq!(admitted.delivery().id(), Some("d1"));
    /// let (_delivery, _body, running) = admitted.into_parts();
    /// running.finish(200).await;
    ///
    /// // The sender's retry is answered at once, without running anything.
    /// let Reception::Answer(answer) = gate.receive(None, &headers, body, |_| {}).await else {
    ///     panic!("a redelivery is acknowledged");
    /// };
    /// assert!(answer.is_ok());
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn receive<H, B>(
        &self,
        content_length: Option<&[u8]>,
        headers: &H,
        body: B,
        spawn: Spawn,
    ) -> Reception<D, B::Bytes>
    where
        H: Headers + ?Sized,
        B: RequestBody,
        D: 'static,
    {
        let admitted = async {
            let body = match self.check_length(content_length) {
                Ok(()) => body::read(body, self.body_limit).await?,
                Err(refusal) => return Err(body::refuse(body, content_length, refusal).await),
            };
            let admission = self.admit(headers, body.as_ref()).await?;
            Ok::<_, Error>((admission, body))
        }
        .await;
        match admitted {
            Err(err) => {
                crate::trace::rejected(&err);
                Reception::Answer(Err(err))
            }
            Ok((admission, _)) if admission.acknowledge_only => Reception::Answer(Ok(Stateless)),
            Ok((admission, body)) => {
                let running = self.running(&admission, spawn);
                Reception::Run(Admitted {
                    delivery: admission.delivery,
                    body,
                    running,
                })
            }
        }
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
        let (Some(deliveries), Some(id)) = (&self.deliveries, delivery.id()) else {
            // Nothing to recognise it by, or nowhere to keep it: new.
            return Ok(Admission {
                delivery,
                lease: None,
                acknowledge_only: false,
            });
        };
        let lease = match deliveries.begin(&replay::key(id), &self.terms).await? {
            Begun::Leased(lease) => Some(lease),
            Begun::Done | Begun::InFlight if self.redeliveries == Redeliveries::Forward => {
                delivery.mark_redelivery();
                None
            }
            Begun::Done => {
                delivery.mark_redelivery();
                tracing::info!(
                    webhook_id = delivery.id(),
                    "redelivery acknowledged without running the handler"
                );
                return Ok(Admission {
                    delivery,
                    lease: None,
                    acknowledge_only: true,
                });
            }
            Begun::InFlight => {
                tracing::info!(
                    webhook_id = delivery.id(),
                    "redelivery while the first is in flight; the sender is asked to retry"
                );
                return Err(Error::new(ErrorKind::InProgress));
            }
        };
        Ok(Admission {
            delivery,
            lease,
            acknowledge_only: false,
        })
    }

    /// Marks the handler of an admitted delivery as running under its lease.
    /// Report how the handler answered with [`Running::finish`]: a success
    /// marks the delivery done, anything else frees it for the sender's
    /// retry. A handler that panics, or whose future is dropped at a
    /// deadline or when the connection closes, never reports: if the guard
    /// is dropped first, the delivery is freed all the same, by a task
    /// handed to `spawn` (and, should the process die first, its lease
    /// expires by itself).
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
    /// let running = gate.running(&admitted, spawn);
    /// drop(running); // the handler never finished
    ///
    /// // The sender's retry runs the handler again.
    /// assert!(!gate.admit(&headers, body).await?.acknowledge_only());
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    #[must_use = "dropping the guard at once forgets the delivery"]
    pub fn running(&self, admission: &Admission, spawn: Spawn) -> Running<D> {
        let held = match (&self.deliveries, admission.delivery.id(), &admission.lease) {
            (Some(deliveries), Some(id), Some(lease)) => Some(Held {
                deliveries: Arc::clone(deliveries),
                key: replay::key(id),
                lease: lease.clone(),
                terms: self.terms,
            }),
            _ => None,
        };
        Running { held, spawn }
    }
}

/// Runs a future to completion on the caller's runtime, without waiting for
/// it, as `tokio::spawn` does (both adapters spawn on the current Tokio
/// runtime).
pub type Spawn = fn(Pin<Box<dyn Future<Output = ()> + Send>>);

/// The handler of an admitted delivery, running under its lease (see
/// [`WebhookGate::running`]). Dropped before [`finish`](Self::finish), it
/// frees the delivery, so that the retry runs the handler again.
#[must_use = "dropping the guard at once forgets the delivery"]
pub struct Running<D: Deliveries + 'static> {
    held: Option<Held<D>>,
    spawn: Spawn,
}

struct Held<D> {
    deliveries: Arc<D>,
    key: String,
    lease: Lease,
    terms: DeliveryTerms,
}

impl<D: Deliveries + 'static> Running<D> {
    /// Reports how the handler answered: a success (a status in
    /// `200..=299`) marks the delivery done, so that its redeliveries are
    /// acknowledged; anything else frees it, so that the sender's retry
    /// runs the handler again. A store error is logged.
    pub async fn finish(mut self, status: u16) {
        let Some(held) = self.held.take() else {
            return;
        };
        let outcome = if succeeded(status) {
            held.deliveries
                .complete(&held.key, &held.lease, &held.terms)
                .await
        } else {
            held.deliveries.abandon(&held.key, &held.lease).await
        };
        report(&held.key, succeeded(status), outcome);
    }
}

impl<D: Deliveries + 'static> Drop for Running<D> {
    fn drop(&mut self) {
        let Some(held) = self.held.take() else {
            return;
        };
        tracing::warn!(
            webhook_id = %held.key.trim_start_matches(replay::KEY_PREFIX),
            "the webhook handler did not finish; the delivery is freed so that its retry runs"
        );
        (self.spawn)(Box::pin(async move {
            let outcome = held.deliveries.abandon(&held.key, &held.lease).await;
            report(&held.key, false, outcome);
        }));
    }
}

impl<D: Deliveries + 'static> fmt::Debug for Running<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("webhook_key", &self.held.as_ref().map(|held| &held.key))
            .finish_non_exhaustive()
    }
}

/// Whether a handler's status is a success: `200..=299`.
fn succeeded(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Logs what recording a handler's outcome did, when it did not go as
/// planned.
fn report(key: &str, done: bool, outcome: Result<bool, Error>) {
    let id = key.trim_start_matches(replay::KEY_PREFIX);
    match outcome {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            webhook_id = id,
            "the delivery's lease expired before its handler finished"
        ),
        Err(err) if done => {
            tracing::error!(error = %err, webhook_id = id, "could not mark a delivery done; its lease expires and a retry runs the handler again")
        }
        Err(err) => {
            tracing::error!(error = %err, webhook_id = id, "could not free a failed delivery; its lease expires before a retry runs it")
        }
    }
}

/// What [`WebhookGate::receive`] decided.
#[derive(Debug)]
pub enum Reception<D: Deliveries + 'static, B> {
    /// Answer at once, without running the handler: a refusal, or a
    /// redelivery's acknowledgement (`200 {}`).
    Answer(Result<Stateless, Error>),
    /// Run the handler with this delivery and body.
    Run(Admitted<D, B>),
}

/// A verified delivery to run, from [`WebhookGate::receive`].
#[derive(Debug)]
pub struct Admitted<D: Deliveries + 'static, B> {
    delivery: Delivery,
    body: B,
    running: Running<D>,
}

impl<D: Deliveries + 'static, B> Admitted<D, B> {
    /// The verified delivery.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// The delivery, its exact body bytes, and the guard to report the
    /// handler's status to ([`Running::finish`]).
    pub fn into_parts(self) -> (Delivery, B, Running<D>) {
        (self.delivery, self.body, self.running)
    }
}

/// A delivery the gate let through.
#[derive(Debug, Clone)]
pub struct Admission {
    delivery: Delivery,
    lease: Option<Lease>,
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
    /// is done and redeliveries are acknowledged.
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

    /// Runs a spawned clean-up to its end on a thread of its own.
    const SPAWN: Spawn = |task| std::thread::spawn(|| block_on(task)).join().unwrap();
    const NEVER: Spawn = |_| unreachable!("finished, never spawned");

    #[test]
    fn a_failed_handler_lets_the_retry_through() {
        block_on(async {
            let gate = gate();
            let body = br#"{"id":"d1"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            assert!(!first.acknowledge_only());
            gate.running(&first, NEVER).finish(500).await;
            let retry = gate.admit(&headers, body).await.unwrap();
            assert!(
                !retry.acknowledge_only(),
                "the failed delivery is run again"
            );
            gate.running(&retry, NEVER).finish(200).await;
            let again = gate.admit(&headers, body).await.unwrap();
            assert!(again.acknowledge_only());
            assert!(again.delivery().is_redelivery());
            // Finishing a redelivery changes nothing.
            gate.running(&again, NEVER).finish(500).await;
            assert!(gate.admit(&headers, body).await.unwrap().acknowledge_only());
        });
    }

    #[test]
    fn a_duplicate_in_flight_is_told_to_retry() {
        block_on(async {
            let gate = gate();
            let body = br#"{"id":"d5"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            let running = gate.running(&first, NEVER);
            let err = gate.admit(&headers, body).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InProgress);
            assert_eq!(err.status(), 409);
            running.finish(200).await;
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
            drop(gate.running(&first, SPAWN));
            let retry = gate.admit(&headers, body).await.unwrap();
            assert!(!retry.acknowledge_only(), "the dropped delivery runs again");

            gate.running(&retry, NEVER).finish(200).await;
            let acknowledged = gate.admit(&headers, body).await.unwrap();
            assert!(acknowledged.acknowledge_only());
            // A redelivery's guard frees nothing, even dropped.
            drop(gate.running(&acknowledged, |_| unreachable!("nothing to free")));
            assert!(gate.admit(&headers, body).await.unwrap().acknowledge_only());

            let body = br#"{"id":"d4"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            gate.running(&first, NEVER).finish(503).await;
            assert!(!gate.admit(&headers, body).await.unwrap().acknowledge_only());
        });
    }

    #[test]
    fn a_lease_expires_by_itself() {
        block_on(async {
            let gate = gate().with_terms(DeliveryTerms {
                lease: std::time::Duration::from_millis(20),
                ..DeliveryTerms::default()
            });
            let body = br#"{"id":"d6"}"#;
            let headers = Signer::claimr("k").sign(body);
            let first = gate.admit(&headers, body).await.unwrap();
            // The holder crashed: nothing reports, nothing is dropped.
            std::mem::forget(gate.running(&first, NEVER));
            std::thread::sleep(std::time::Duration::from_millis(30));
            let retry = gate.admit(&headers, body).await.unwrap();
            assert!(!retry.acknowledge_only());
        });
    }

    #[test]
    fn redeliveries_can_be_forwarded_or_not_tracked() {
        block_on(async {
            let body = br#"{"id":"d2"}"#;
            let headers = Signer::claimr("k").sign(body);
            let forward = gate().with_redeliveries(Redeliveries::Forward);
            let first = forward.admit(&headers, body).await.unwrap();
            forward.running(&first, NEVER).finish(200).await;
            let second = forward.admit(&headers, body).await.unwrap();
            assert!(!second.acknowledge_only());
            assert!(second.delivery().is_redelivery());

            let untracked = gate().without_deliveries();
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
            let store = Arc::new(MemoryStore::default());
            let verifier = StandardWebhooks::new(
                Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            )
            .unwrap();
            let a = WebhookGate::new(verifier.clone()).with_deliveries(store.clone());
            let b = WebhookGate::new(verifier).with_deliveries(store);
            let body = b"{}";
            let headers = Signer::standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .unwrap()
                .with_id("msg_1")
                .sign(body);
            let first = a.admit(&headers, body).await.unwrap();
            assert!(!first.acknowledge_only());
            a.running(&first, NEVER).finish(200).await;
            assert!(
                b.admit(&headers, body).await.unwrap().acknowledge_only(),
                "the second machine sees the first's delivery"
            );
        });
    }
}
