//! Group commit of reservations for the shared stores (PostgreSQL, Redis):
//! the reservations waiting on one claim in this process are made together,
//! by one call to the store (one round trip, one commit), in their order.
//!
//! One claim's reservations are serial by nature (each takes the lowest
//! free number), so a call per reservation holds the claim to one
//! reservation per round trip (and, on PostgreSQL, per WAL flush). A claim
//! with reservations waiting has one leader task; it takes every
//! reservation that arrived while its last call ran and makes them in the
//! next.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claimkit::Error;
use tokio::sync::oneshot;

use crate::unavailable::{corrupt, unavailable, NoAnswer};

/// A reservation waiting for its batch.
pub(crate) struct Waiter {
    /// The attempt reserving.
    pub(crate) attempt: String,
    /// The simulation hold the attempt takes over, if it holds nothing
    /// (`ClaimNumbers::take_over_or_reserve`); `None` for a plain
    /// reservation.
    pub(crate) holder: Option<String>,
    /// The claim's bound on its numbers, if any.
    pub(crate) limit: Option<u64>,
    /// How long the reservation holds its number unconfirmed.
    pub(crate) hold: Duration,
    reply: oneshot::Sender<Result<u64, Error>>,
}

/// How a backend makes one claim's batch of reservations.
pub(crate) trait Reserver: Send + 'static {
    /// The backend's name, in logs.
    const BACKEND: &'static str;

    /// Reserves for every waiter of `batch`, in order, in one call to the
    /// store (each taking over its [`holder`](Waiter::holder)'s
    /// reservation first, when it has one): one answer per waiter, or the
    /// error that failed them all.
    fn reserve(
        &mut self,
        claim: &str,
        batch: &[Waiter],
    ) -> impl Future<Output = Result<Vec<Result<u64, Error>>, Error>> + Send;
}

/// Each claim's waiting reservations; a claim present here has a leader
/// task that takes them, batch after batch, until none is left.
#[derive(Default)]
pub(crate) struct Batches {
    waiting: Mutex<HashMap<String, Vec<Waiter>>>,
}

impl Batches {
    /// Reserves a number of `claim` for `attempt` in the claim's next
    /// batch, starting the claim's leader (made by `reserver`) when none
    /// runs, and waits at most `timeout` for the answer.
    pub(crate) async fn reserve<R: Reserver>(
        self: &Arc<Self>,
        claim: &str,
        attempt: &str,
        terms: (Option<u64>, Duration),
        timeout: Duration,
        reserver: impl FnOnce() -> R,
    ) -> Result<u64, Error> {
        self.take_over_or_reserve(claim, None, attempt, terms, timeout, reserver)
            .await
    }

    /// As [`reserve`](Self::reserve), `attempt` taking over what `holder`
    /// holds first, if it holds nothing itself: the reserver must serve
    /// [`Waiter::holder`].
    pub(crate) async fn take_over_or_reserve<R: Reserver>(
        self: &Arc<Self>,
        claim: &str,
        holder: Option<&str>,
        attempt: &str,
        (limit, hold): (Option<u64>, Duration),
        timeout: Duration,
        reserver: impl FnOnce() -> R,
    ) -> Result<u64, Error> {
        let (reply, answer) = oneshot::channel();
        let waiter = Waiter {
            attempt: attempt.to_owned(),
            holder: holder.map(str::to_owned),
            limit,
            hold,
            reply,
        };
        if self.queue(claim, waiter) {
            tokio::spawn(lead(self.clone(), reserver(), claim.to_owned(), timeout));
        }
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(gone)) => Err(unavailable(R::BACKEND, gone)),
            Err(_) => Err(unavailable(R::BACKEND, NoAnswer(timeout))),
        }
    }

    /// Queues `waiter` on `claim`; returns `true` when no leader runs for
    /// the claim, so the caller must start one.
    fn queue(&self, claim: &str, waiter: Waiter) -> bool {
        let mut waiting = self.lock();
        match waiting.get_mut(claim) {
            Some(list) => {
                list.push(waiter);
                false
            }
            None => {
                waiting.insert(claim.to_owned(), vec![waiter]);
                true
            }
        }
    }

    /// The claim's next batch; `None` (and the claim forgotten) when no
    /// reservation waits.
    fn next(&self, claim: &str) -> Option<Vec<Waiter>> {
        let mut waiting = self.lock();
        let list = waiting.get_mut(claim)?;
        if list.is_empty() {
            waiting.remove(claim);
            return None;
        }
        Some(std::mem::take(list))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Waiter>>> {
        // The map is consistent between statements: a panic cannot leave
        // it half-changed.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The leader of one claim: runs its batches until none waits.
async fn lead<R: Reserver>(
    batches: Arc<Batches>,
    mut reserver: R,
    claim: String,
    timeout: Duration,
) {
    while let Some(batch) = batches.next(&claim) {
        let run = tokio::time::timeout(timeout, reserver.reserve(&claim, &batch)).await;
        let answers = match run {
            Ok(Ok(answers)) if answers.len() == batch.len() => answers,
            Ok(Ok(answers)) => {
                let err = corrupt(
                    R::BACKEND,
                    format!(
                        "{} answers to a batch of {} reservations",
                        answers.len(),
                        batch.len()
                    ),
                );
                batch.iter().map(|_| Err(err.clone())).collect()
            }
            Ok(Err(err)) => batch.iter().map(|_| Err(err.clone())).collect(),
            Err(_) => {
                let err = unavailable(R::BACKEND, NoAnswer(timeout));
                batch.iter().map(|_| Err(err.clone())).collect()
            }
        };
        for (waiter, answer) in batch.into_iter().zip(answers) {
            // A waiter that gave up has dropped its receiver.
            let _ = waiter.reply.send(answer);
        }
    }
}
