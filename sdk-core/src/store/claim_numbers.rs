//! Claim numbers: the `ClaimNumbers` preset, served correctly under
//! concurrency and retries.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::expiry::Expiry;
use crate::{AttemptStatus, ClaimNumber, Context, Error, ErrorKind, Preset, Stateless};

/// A pool of 0-based claim numbers.
///
/// An executing attempt reserves the lowest free number (the same attempt
/// asking again gets the same number); a `success` status webhook confirms
/// it; a `failure` releases it for the next attempt. Two attempts never hold
/// the same number.
pub trait ClaimNumbers: Send + Sync {
    /// The number reserved for `attempt_id`, reserving the lowest free
    /// number the first time.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`] when the pool is full or its store cannot
    /// be reached.
    fn reserve(&self, attempt_id: &str) -> impl Future<Output = Result<u64, Error>> + Send;

    /// The number a new attempt would get now, reserving nothing (for
    /// simulations).
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    fn preview(&self) -> impl Future<Output = Result<u64, Error>> + Send;

    /// Makes `attempt_id`'s number permanent (the claim succeeded). Unknown
    /// ids are ignored, so retried webhooks are harmless.
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    fn confirm(&self, attempt_id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// Frees `attempt_id`'s number for the next attempt (the claim failed).
    /// Unknown ids are ignored.
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    fn release(&self, attempt_id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Answers a `ClaimNumbers` plugin call by the protocol's rules:
///
/// | call | pool | answer |
/// |---|---|---|
/// | simulation | nothing changes | the number it would get |
/// | executing | reserve (the same for a retried attempt) | `{"claimNumber": n}` |
/// | executing without an attempt id (legacy) | reserved and confirmed at once | `{"claimNumber": n}` |
/// | `success` webhook | confirm | `{}` |
/// | `failure` webhook | release | `{}` |
///
/// # Errors
/// The pool's errors.
///
/// ```
/// use claimkit::store::{claim_number, MemoryClaimNumbers};
/// use claimkit::{AttemptStatus, Context, Preset, ClaimNumber};
/// # futures_executor::block_on(async {
/// let pool = MemoryClaimNumbers::default();
/// let mut attempt = Context::default();
/// attempt.claim_attempt_id = Some("a1".into());
/// assert_eq!(claim_number(&pool, &attempt).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
/// assert_eq!(claim_number(&pool, &attempt).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
///
/// attempt.attempt_status = Some(AttemptStatus::Failure);
/// assert_eq!(claim_number(&pool, &attempt).await?, Preset::Stateless);
/// // Number 0 is free again.
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn claim_number<P: ClaimNumbers + ?Sized>(
    pool: &P,
    context: &Context,
) -> Result<Preset, Error> {
    if context.is_simulation() {
        return match context.status() {
            AttemptStatus::Executing => Ok(ClaimNumber::new(pool.preview().await?).into()),
            _ => Ok(Stateless.into()),
        };
    }
    match (context.status(), context.attempt_id()) {
        (AttemptStatus::Executing, Some(attempt)) => {
            Ok(ClaimNumber::new(pool.reserve(attempt).await?).into())
        }
        (AttemptStatus::Executing, None) => {
            // Nothing to key a reservation on: take a number for good.
            let key = format!("anonymous:{}", super::random_token());
            let number = pool.reserve(&key).await?;
            pool.confirm(&key).await?;
            Ok(ClaimNumber::new(number).into())
        }
        (AttemptStatus::Success, Some(attempt)) => {
            pool.confirm(attempt).await?;
            Ok(Stateless.into())
        }
        (AttemptStatus::Failure, Some(attempt)) => {
            pool.release(attempt).await?;
            Ok(Stateless.into())
        }
        _ => Ok(Stateless.into()),
    }
}

/// The in-memory [`ClaimNumbers`] pool.
///
/// Reservations that are neither confirmed nor released within the
/// reservation time (24 hours by default) are released, so a plugin that does
/// not receive status webhooks should set a time no shorter than its claims
/// can take, or call [`confirm`](ClaimNumbers::confirm) itself. At most
/// `capacity` reservations are pending at once.
///
/// ```
/// use claimkit::store::{ClaimNumbers, MemoryClaimNumbers};
/// # futures_executor::block_on(async {
/// let pool = MemoryClaimNumbers::default();
/// assert_eq!(pool.reserve("a").await?, 0);
/// assert_eq!(pool.reserve("b").await?, 1);
/// pool.release("a").await?;
/// assert_eq!(pool.preview().await?, 0);
/// assert_eq!(pool.reserve("c").await?, 0);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct MemoryClaimNumbers {
    capacity: usize,
    state: Mutex<PoolState>,
}

#[derive(Debug)]
struct PoolState {
    /// The lowest number never handed out.
    next: u64,
    /// Numbers handed out and released since, below `next`.
    free: BTreeSet<u64>,
    /// Pending reservations: attempt id → (number, deadline).
    reserved: HashMap<String, (u64, Instant)>,
    expiry: Expiry,
}

impl MemoryClaimNumbers {
    /// The default time a reservation waits for its status webhook.
    pub const DEFAULT_RESERVATION_TIME: Duration = Duration::from_secs(24 * 60 * 60);
    /// The default number of pending reservations.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A pool whose first number is `first` (to carry on after numbers
    /// already assigned), with the default reservation time and capacity.
    pub fn starting_at(first: u64) -> Self {
        Self::new(
            first,
            Self::DEFAULT_RESERVATION_TIME,
            Self::DEFAULT_CAPACITY,
        )
    }

    /// A pool starting at `first`, releasing reservations after
    /// `reservation_time`, holding at most `capacity` pending reservations.
    pub fn new(first: u64, reservation_time: Duration, capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(PoolState {
                next: first,
                free: BTreeSet::new(),
                reserved: HashMap::new(),
                expiry: Expiry::new(reservation_time),
            }),
        }
    }

    /// How many reservations are pending.
    pub fn pending(&self) -> usize {
        self.lock().reserved.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn reserve_at(&self, attempt_id: &str, now: Instant) -> Result<u64, Error> {
        let mut state = self.lock();
        state.expire(now);
        if let Some(&(number, _)) = state.reserved.get(attempt_id) {
            return Ok(number);
        }
        if state.reserved.len() >= self.capacity {
            return Err(Error::with_message(
                ErrorKind::Unavailable,
                "too many claims are pending; try again later",
            ));
        }
        let number = match state.free.pop_first() {
            Some(number) => number,
            None => {
                let number = state.next;
                state.next = number.checked_add(1).ok_or_else(|| {
                    Error::with_message(ErrorKind::Unavailable, "no claim numbers are left")
                })?;
                number
            }
        };
        let deadline = state.expiry.push(attempt_id.to_owned(), now);
        state
            .reserved
            .insert(attempt_id.to_owned(), (number, deadline));
        Ok(number)
    }

    pub(crate) fn preview_at(&self, now: Instant) -> u64 {
        let mut state = self.lock();
        state.expire(now);
        state.free.first().copied().unwrap_or(state.next)
    }
}

impl PoolState {
    fn expire(&mut self, now: Instant) {
        while let Some((deadline, attempt)) = self.expiry.pop_expired(now) {
            if let Some(&(number, reserved_deadline)) = self.reserved.get(&attempt) {
                if reserved_deadline == deadline {
                    self.reserved.remove(&attempt);
                    self.free.insert(number);
                }
            }
        }
    }
}

impl Default for MemoryClaimNumbers {
    fn default() -> Self {
        Self::starting_at(0)
    }
}

impl ClaimNumbers for MemoryClaimNumbers {
    async fn reserve(&self, attempt_id: &str) -> Result<u64, Error> {
        self.reserve_at(attempt_id, Instant::now())
    }

    async fn preview(&self) -> Result<u64, Error> {
        Ok(self.preview_at(Instant::now()))
    }

    async fn confirm(&self, attempt_id: &str) -> Result<(), Error> {
        // The number stays out of `free` for good.
        self.lock().reserved.remove(attempt_id);
        Ok(())
    }

    async fn release(&self, attempt_id: &str) -> Result<(), Error> {
        let mut state = self.lock();
        if let Some((number, _)) = state.reserved.remove(attempt_id) {
            state.free.insert(number);
        }
        Ok(())
    }
}

impl<T: ClaimNumbers + ?Sized> ClaimNumbers for std::sync::Arc<T> {
    fn reserve(&self, attempt_id: &str) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).reserve(attempt_id)
    }
    fn preview(&self) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).preview()
    }
    fn confirm(&self, attempt_id: &str) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).confirm(attempt_id)
    }
    fn release(&self, attempt_id: &str) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).release(attempt_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;
    use std::collections::HashSet;
    use std::sync::Arc;

    fn context(attempt: &str, status: AttemptStatus, simulation: bool) -> Context {
        Context {
            claim_attempt_id: Some(attempt.into()),
            attempt_status: Some(status),
            simulation: Some(simulation),
            ..Context::default()
        }
    }

    #[test]
    fn the_protocol_flow() {
        block_on(async {
            let pool = MemoryClaimNumbers::default();
            let number = |preset: Preset| match preset {
                Preset::ClaimNumber(n) => n.get(),
                other => panic!("expected a number, got {other:?}"),
            };
            // A simulation previews without reserving.
            let sim = context("", AttemptStatus::Executing, true);
            assert_eq!(number(claim_number(&pool, &sim).await.unwrap()), 0);
            assert_eq!(pool.pending(), 0);

            let a = context("a", AttemptStatus::Executing, false);
            let b = context("b", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&pool, &a).await.unwrap()), 0);
            assert_eq!(
                number(claim_number(&pool, &a).await.unwrap()),
                0,
                "a retry keeps its number"
            );
            assert_eq!(number(claim_number(&pool, &b).await.unwrap()), 1);
            assert_eq!(number(claim_number(&pool, &sim).await.unwrap()), 2);

            // a succeeds, b fails: b's number goes to the next attempt.
            let a_ok = context("a", AttemptStatus::Success, false);
            let b_failed = context("b", AttemptStatus::Failure, false);
            assert_eq!(claim_number(&pool, &a_ok).await.unwrap(), Preset::Stateless);
            assert_eq!(
                claim_number(&pool, &b_failed).await.unwrap(),
                Preset::Stateless
            );
            assert_eq!(
                claim_number(&pool, &b_failed).await.unwrap(),
                Preset::Stateless,
                "retried webhook"
            );
            let c = context("c", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&pool, &c).await.unwrap()), 1);
            let d = context("d", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&pool, &d).await.unwrap()), 2);
            // A late failure webhook for a confirmed attempt frees nothing.
            let a_failed = context("a", AttemptStatus::Failure, false);
            claim_number(&pool, &a_failed).await.unwrap();
            assert_eq!(pool.preview().await.unwrap(), 3);

            // A simulated status webhook changes nothing.
            let sim_fail = context("c", AttemptStatus::Failure, true);
            assert_eq!(
                claim_number(&pool, &sim_fail).await.unwrap(),
                Preset::Stateless
            );
            assert_eq!(pool.pending(), 2);
        });
    }

    #[test]
    fn legacy_calls_without_an_attempt_id_take_a_number_for_good() {
        block_on(async {
            let pool = MemoryClaimNumbers::default();
            let legacy = context("", AttemptStatus::Executing, false);
            assert_eq!(
                claim_number(&pool, &legacy).await.unwrap(),
                ClaimNumber::new(0).into()
            );
            assert_eq!(
                claim_number(&pool, &legacy).await.unwrap(),
                ClaimNumber::new(1).into()
            );
            assert_eq!(pool.pending(), 0);
        });
    }

    #[test]
    fn reservations_expire_into_the_free_set() {
        let pool = MemoryClaimNumbers::new(10, Duration::from_secs(60), 10);
        let t0 = Instant::now();
        assert_eq!(pool.reserve_at("a", t0).unwrap(), 10);
        assert_eq!(
            pool.reserve_at("b", t0 + Duration::from_secs(30)).unwrap(),
            11
        );
        assert_eq!(pool.preview_at(t0 + Duration::from_secs(59)), 12);
        assert_eq!(pool.preview_at(t0 + Duration::from_secs(60)), 10);
        assert_eq!(
            pool.reserve_at("c", t0 + Duration::from_secs(61)).unwrap(),
            10
        );
        assert_eq!(
            pool.reserve_at("b", t0 + Duration::from_secs(61)).unwrap(),
            11
        );
    }

    #[test]
    fn a_full_pool_is_unavailable() {
        let pool = MemoryClaimNumbers::new(0, Duration::from_secs(60), 2);
        let now = Instant::now();
        pool.reserve_at("a", now).unwrap();
        pool.reserve_at("b", now).unwrap();
        let err = pool.reserve_at("c", now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.status(), 503);
        assert_eq!(
            pool.reserve_at("a", now).unwrap(),
            0,
            "known attempts still answer"
        );
    }

    #[test]
    fn concurrent_attempts_never_share_a_number() {
        let pool = Arc::new(MemoryClaimNumbers::default());
        let numbers: Vec<u64> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let pool = pool.clone();
                    scope.spawn(move || {
                        (0..250)
                            .map(|i| {
                                let id = format!("{t}-{i}");
                                let n = block_on(pool.reserve(&id)).unwrap();
                                if i % 3 == 0 {
                                    block_on(pool.release(&id)).unwrap();
                                    None
                                } else {
                                    block_on(pool.confirm(&id)).unwrap();
                                    Some(n)
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .flatten()
                .collect()
        });
        let unique: HashSet<u64> = numbers.iter().copied().collect();
        assert_eq!(
            unique.len(),
            numbers.len(),
            "a confirmed number was handed out twice"
        );
        // Released numbers were reused: the confirmed ones are dense.
        let max = *numbers.iter().max().unwrap();
        assert!(
            max < numbers.len() as u64 + 8,
            "max {max} for {} numbers",
            numbers.len()
        );
    }
}
