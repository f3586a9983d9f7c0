//! Group commit of reservations for the shared stores (PostgreSQL, Redis):
//! the reservations waiting on one claim in this process are made together,
//! by one call to the store (one round trip, one commit), in their order.
//!
//! One claim's reservations are serial by nature (each takes the lowest
//! free number), so a call per reservation holds the claim to one
//! reservation per round trip (and, on PostgreSQL, per WAL flush). A claim
//! with reservations waiting has a leader task; it takes every reservation
//! that arrived while its last call ran and makes them in the next.
//!
//! A backend whose calls of one claim need no order between them (Redis:
//! each script is atomic on its one thread) may let up to
//! [`Reserver::IN_FLIGHT`] leaders of one claim run at once, so a batch
//! does not wait for the round trip of the one before. Both backends keep
//! one: PostgreSQL's batches of one claim take turns at the claim's lock
//! anyway, and Redis measured cheaper with fewer, larger batches
//! (`redis/batch.rs`).

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

    /// How many batches of one claim this process may have in flight at
    /// once: 1 unless the store makes concurrent calls of one claim
    /// correctly without an order between them.
    const IN_FLIGHT: usize = 1;

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

/// Each claim's waiting reservations; a claim present here has at least one
/// leader task that takes them, batch after batch, until none is left.
#[derive(Default)]
pub(crate) struct Batches {
    claims: Mutex<HashMap<String, Claim>>,
}

/// One claim's reservations waiting for a leader, and its leaders running.
struct Claim {
    waiting: Vec<Waiter>,
    leaders: usize,
}

impl Batches {
    /// Reserves a number of `claim` for `attempt` in the claim's next
    /// batch, `attempt` taking over what `holder` holds first if it holds
    /// nothing itself (the reserver serves [`Waiter::holder`]), starting a
    /// leader of the claim (made by `reserver`) when fewer than
    /// [`Reserver::IN_FLIGHT`] run, and waits at most `timeout` for the
    /// answer.
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
        if self.queue(claim, waiter, R::IN_FLIGHT) {
            tokio::spawn(lead(self.clone(), reserver(), claim.to_owned(), timeout));
        }
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(gone)) => Err(unavailable(R::BACKEND, gone)),
            Err(_) => Err(unavailable(R::BACKEND, NoAnswer(timeout))),
        }
    }

    /// Queues `waiter` on `claim`; returns `true` when fewer than `leaders`
    /// leaders run for the claim, so the caller must start one (counted
    /// here).
    fn queue(&self, claim: &str, waiter: Waiter, leaders: usize) -> bool {
        let mut claims = self.lock();
        match claims.get_mut(claim) {
            Some(state) => {
                state.waiting.push(waiter);
                if state.leaders < leaders {
                    state.leaders += 1;
                    return true;
                }
                false
            }
            None => {
                let state = Claim {
                    waiting: vec![waiter],
                    leaders: 1,
                };
                claims.insert(claim.to_owned(), state);
                true
            }
        }
    }

    /// The claim's next batch; `None` (the leader counted out, and the
    /// claim forgotten with its last leader) when no reservation waits.
    fn next(&self, claim: &str) -> Option<Vec<Waiter>> {
        let mut claims = self.lock();
        let state = claims.get_mut(claim)?;
        if state.waiting.is_empty() {
            state.leaders -= 1;
            if state.leaders == 0 {
                claims.remove(claim);
            }
            return None;
        }
        Some(std::mem::take(&mut state.waiting))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Claim>> {
        // The map is consistent between statements: a panic cannot leave
        // it half-changed.
        self.claims
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A leader of one claim: runs its batches until none waits.
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Hands out numbers in order, counting the calls in flight at once.
    struct Counter<const N: usize> {
        next: Arc<Mutex<u64>>,
        running: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl<const N: usize> Reserver for Counter<N> {
        const BACKEND: &'static str = "test";
        const IN_FLIGHT: usize = N;

        async fn reserve(
            &mut self,
            _: &str,
            batch: &[Waiter],
        ) -> Result<Vec<Result<u64, Error>>, Error> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            let answers = {
                let mut next = self.next.lock().unwrap();
                batch
                    .iter()
                    .map(|_| {
                        *next += 1;
                        Ok(*next - 1)
                    })
                    .collect()
            };
            self.running.fetch_sub(1, Ordering::SeqCst);
            Ok(answers)
        }
    }

    /// Runs 200 reservations of one claim, in 10 waves 1 ms apart, each
    /// batch taking 50 ms; answers their numbers sorted, the most batches
    /// that were in flight together, and whether the claim was forgotten.
    async fn drop_of<const N: usize>() -> (Vec<u64>, usize, bool) {
        let batches = Arc::new(Batches::default());
        let next = Arc::new(Mutex::new(0));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..200 {
            if i % 20 == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let batches = batches.clone();
            let reserver = Counter::<N> {
                next: next.clone(),
                running: running.clone(),
                most: most.clone(),
            };
            tasks.push(tokio::spawn(async move {
                let hold = (None, Duration::from_secs(60));
                let timeout = Duration::from_secs(10);
                let attempt = format!("a{i}");
                batches
                    .take_over_or_reserve("c", None, &attempt, hold, timeout, || reserver)
                    .await
            }));
        }
        let mut numbers = Vec::new();
        for task in tasks {
            numbers.push(task.await.unwrap().unwrap());
        }
        numbers.sort_unstable();
        let forgotten = batches.lock().is_empty();
        (numbers, most.load(Ordering::SeqCst), forgotten)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_batch_of_a_claim_in_flight_unless_the_backend_allows_more() {
        let (numbers, most, forgotten) = drop_of::<1>().await;
        assert_eq!(numbers, (0..200).collect::<Vec<_>>());
        assert_eq!(most, 1);
        assert!(forgotten, "a claim with nothing waiting is forgotten");

        let (numbers, most, forgotten) = drop_of::<4>().await;
        assert_eq!(numbers, (0..200).collect::<Vec<_>>());
        assert!((2..=4).contains(&most), "{most} batches in flight at once");
        assert!(forgotten, "a claim with nothing waiting is forgotten");
    }
}
