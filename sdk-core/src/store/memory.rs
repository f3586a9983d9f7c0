//! Every store trait in this process's memory.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{
    ActionTerms, Actions, Begun, ClaimNumbers, ClaimPool, ClaimTokens, DeadAction, Deliveries,
    DeliveryTerms, DueAction, Lease, Next,
};
use crate::{Error, ErrorKind};

/// Every store trait ([`ClaimNumbers`], [`ClaimTokens`], [`Deliveries`],
/// [`Actions`]) in this process's memory, by this process's monotonic clock
/// (or a test's, [`with_clock`](Self::with_clock)).
///
/// For tests and for a plugin that runs as one process and may lose its
/// state: **nothing survives a restart**, and replicas do not share it. A
/// claim number confirmed before a restart is handed out again after it,
/// and queued actions are lost with the process: **not crash-safe**.
/// Use a durable store from `claimkit-store` in production.
///
/// Bounded: at most `capacity` entries (reservations, tokens, deliveries
/// and actions together) are kept besides confirmed numbers; past that, new
/// entries fail with [`ErrorKind::Unavailable`] rather than forgetting one
/// that is still needed. Expired entries make room.
///
/// ```
/// use claimkit::store::{ClaimNumbers, ClaimPool, MemoryStore, Numbering};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let pool = ClaimPool { claim_id: "c1", limit: None, hold: Numbering::DEFAULT_HOLD };
/// assert_eq!(store.reserve(&pool, "a").await?, 0);
/// assert_eq!(store.reserve(&pool, "b").await?, 1);
/// store.release("c1", "a").await?;
/// assert_eq!(store.preview(&pool).await?, 0);
/// assert_eq!(store.reserve(&pool, "c").await?, 0);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    clock: fn() -> Instant,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    claims: HashMap<String, Claim>,
    tokens: HashMap<String, (String, Instant)>,
    deliveries: HashMap<String, Delivery>,
    actions: HashMap<String, Action>,
    /// Pending actions by due time and running ones by lease expiry: what
    /// `take_due` takes first.
    queue: BTreeSet<(Instant, String)>,
    /// Every expiring entry, by deadline: what makes room.
    deadlines: BTreeSet<(Instant, Entry)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    Reservation { claim: String, attempt: String },
    Token(String),
    Delivery(String),
    Action(String),
}

#[derive(Debug, Default)]
struct Claim {
    /// The lowest number never handed out.
    next: u64,
    /// Numbers below `next` that are free again.
    free: BTreeSet<u64>,
    /// Attempt → its number, and the deadline of a pending reservation
    /// (`None` once confirmed).
    held: HashMap<String, (u64, Option<Instant>)>,
}

#[derive(Debug)]
struct Action {
    payload: String,
    attempts: u32,
    since: Instant,
    state: ActionState,
}

#[derive(Debug)]
enum ActionState {
    Pending { due: Instant },
    Running { token: String, until: Instant },
    Done { until: Instant },
    Dead { error: String, until: Instant },
}

#[derive(Debug)]
enum Delivery {
    InFlight { token: String, until: Instant },
    Done,
}

impl MemoryStore {
    /// The default number of entries kept.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store keeping at most `capacity` expiring entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            clock: Instant::now,
            state: Mutex::new(State::default()),
        }
    }

    /// Reads the time from `clock` instead of [`Instant::now`]: a test
    /// that drives leases, expiries and retries with a clock it controls
    /// never races the machine's. Under Tokio's paused test clock
    /// (`#[tokio::test(start_paused = true)]`), that is
    /// `|| tokio::time::Instant::now().into_std()`.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::LazyLock;
    /// use std::time::{Duration, Instant};
    /// use claimkit::store::{ClaimTokens, MemoryStore};
    ///
    /// static START: LazyLock<Instant> = LazyLock::new(Instant::now);
    /// static SECONDS: AtomicU64 = AtomicU64::new(0);
    /// fn clock() -> Instant {
    ///     *START + Duration::from_secs(SECONDS.load(Ordering::Relaxed))
    /// }
    ///
    /// let store = MemoryStore::default().with_clock(clock);
    /// # futures_executor::block_on(async {
    /// let token = store.issue("a1", Duration::from_secs(60)).await?;
    /// SECONDS.store(59, Ordering::Relaxed);
    /// assert_eq!(store.issue("a1", Duration::from_secs(60)).await?, token);
    /// SECONDS.store(61, Ordering::Relaxed);
    /// assert_ne!(store.issue("a1", Duration::from_secs(60)).await?, token);
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn with_clock(mut self, clock: fn() -> Instant) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> Instant {
        (self.clock)()
    }

    /// How many tokens are remembered now.
    pub fn tokens(&self) -> usize {
        self.lock().tokens.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every method leaves the maps consistent before it can panic.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Expires what is due at `now`, and checks there is room for one more
    /// entry.
    fn make_room(&self, state: &mut State, now: Instant) -> Result<(), Error> {
        state.expire(now);
        if state.deadlines.len() + state.queue.len() >= self.capacity {
            return Err(Error::unavailable(format!(
                "the memory store holds its capacity of {} entries",
                self.capacity
            )));
        }
        Ok(())
    }

    pub(crate) fn reserve_at(
        &self,
        pool: &ClaimPool<'_>,
        attempt: &str,
        now: Instant,
    ) -> Result<u64, Error> {
        let mut state = self.lock();
        state.expire(now);
        if let Some(claim) = state.claims.get(pool.claim_id) {
            if let Some(&(number, _)) = claim.held.get(attempt) {
                return Ok(number);
            }
        }
        self.make_room(&mut state, now)?;
        let claim = state.claims.entry(pool.claim_id.to_owned()).or_default();
        let number = claim.lowest_free(pool.limit)?;
        if !claim.free.remove(&number) {
            claim.next = number
                .checked_add(1)
                .ok_or(Error::new(ErrorKind::Exhausted))?;
        }
        let until = now + pool.hold;
        claim.held.insert(attempt.to_owned(), (number, Some(until)));
        state.deadlines.insert((
            until,
            Entry::Reservation {
                claim: pool.claim_id.to_owned(),
                attempt: attempt.to_owned(),
            },
        ));
        Ok(number)
    }

    pub(crate) fn preview_at(&self, pool: &ClaimPool<'_>, now: Instant) -> Result<u64, Error> {
        let mut state = self.lock();
        state.expire(now);
        match state.claims.get(pool.claim_id) {
            Some(claim) => claim.lowest_free(pool.limit),
            None => Claim::default().lowest_free(pool.limit),
        }
    }

    fn settle(&self, claim_id: &str, attempt: &str, confirm: bool) {
        let mut state = self.lock();
        let State {
            claims, deadlines, ..
        } = &mut *state;
        let Some(claim) = claims.get_mut(claim_id) else {
            return;
        };
        let Some(&(number, Some(until))) = claim.held.get(attempt) else {
            return; // unknown, or confirmed already
        };
        deadlines.remove(&(
            until,
            Entry::Reservation {
                claim: claim_id.to_owned(),
                attempt: attempt.to_owned(),
            },
        ));
        if confirm {
            claim.held.insert(attempt.to_owned(), (number, None));
        } else {
            claim.held.remove(attempt);
            claim.free.insert(number);
        }
    }

    pub(crate) fn issue_at(
        &self,
        attempt: &str,
        retention: Duration,
        now: Instant,
    ) -> Result<String, Error> {
        let mut state = self.lock();
        state.expire(now);
        if let Some((token, _)) = state.tokens.get(attempt) {
            return Ok(token.clone());
        }
        self.make_room(&mut state, now)?;
        let token = super::random_token();
        let until = now + retention;
        state
            .tokens
            .insert(attempt.to_owned(), (token.clone(), until));
        state
            .deadlines
            .insert((until, Entry::Token(attempt.to_owned())));
        Ok(token)
    }

    pub(crate) fn begin_at(
        &self,
        key: &str,
        terms: &DeliveryTerms,
        now: Instant,
    ) -> Result<Begun, Error> {
        let mut state = self.lock();
        state.expire(now);
        match state.deliveries.get(key) {
            Some(Delivery::InFlight { .. }) => return Ok(Begun::InFlight),
            Some(Delivery::Done) => return Ok(Begun::Done),
            None => {}
        }
        self.make_room(&mut state, now)?;
        let lease = Lease::random();
        let until = now + terms.lease;
        state.deliveries.insert(
            key.to_owned(),
            Delivery::InFlight {
                token: lease.token().to_owned(),
                until,
            },
        );
        state
            .deadlines
            .insert((until, Entry::Delivery(key.to_owned())));
        Ok(Begun::Leased(lease))
    }

    pub(crate) fn end_at(
        &self,
        key: &str,
        lease: &Lease,
        done: Option<&DeliveryTerms>,
        now: Instant,
    ) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let until = match state.deliveries.get(key) {
            Some(Delivery::InFlight { token, until }) if token == lease.token() => *until,
            _ => return false,
        };
        state
            .deadlines
            .remove(&(until, Entry::Delivery(key.to_owned())));
        match done {
            Some(terms) => {
                let until = now + terms.retention;
                state.deliveries.insert(key.to_owned(), Delivery::Done);
                state
                    .deadlines
                    .insert((until, Entry::Delivery(key.to_owned())));
            }
            None => {
                state.deliveries.remove(key);
            }
        }
        true
    }

    pub(crate) fn enqueue_at(&self, key: &str, payload: &str, now: Instant) -> Result<bool, Error> {
        let mut state = self.lock();
        state.expire(now);
        if state.actions.contains_key(key) {
            return Ok(false);
        }
        self.make_room(&mut state, now)?;
        state.actions.insert(
            key.to_owned(),
            Action {
                payload: payload.to_owned(),
                attempts: 0,
                since: now,
                state: ActionState::Pending { due: now },
            },
        );
        state.queue.insert((now, key.to_owned()));
        Ok(true)
    }

    pub(crate) fn take_due_at(
        &self,
        limit: usize,
        terms: &ActionTerms,
        now: Instant,
    ) -> Vec<DueAction> {
        let mut state = self.lock();
        state.expire(now);
        let mut taken = Vec::new();
        while taken.len() < limit {
            let Some((due, _)) = state.queue.first() else {
                break;
            };
            if *due > now {
                break;
            }
            let Some((_, key)) = state.queue.pop_first() else {
                break;
            };
            let Some(action) = state.actions.get_mut(&key) else {
                continue;
            };
            let lease = Lease::random();
            let until = now + terms.lease;
            action.attempts = action.attempts.saturating_add(1);
            action.state = ActionState::Running {
                token: lease.token().to_owned(),
                until,
            };
            taken.push(DueAction {
                key: key.clone(),
                payload: action.payload.clone(),
                attempt: action.attempts,
                age: now.saturating_duration_since(action.since),
                lease,
            });
            state.queue.insert((until, key));
        }
        taken
    }

    /// Moves the action `key`, if `lease` runs it, to what `to` makes of
    /// it; answers whether it did.
    fn settle_action_at(
        &self,
        key: &str,
        lease: &Lease,
        now: Instant,
        to: impl FnOnce(Instant) -> ActionState,
    ) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let State {
            actions,
            queue,
            deadlines,
            ..
        } = &mut *state;
        let Some(action) = actions.get_mut(key) else {
            return false;
        };
        let ActionState::Running { token, until } = &action.state else {
            return false;
        };
        if token != lease.token() {
            return false;
        }
        queue.remove(&(*until, key.to_owned()));
        action.state = to(now);
        match &action.state {
            ActionState::Pending { due } => {
                queue.insert((*due, key.to_owned()));
            }
            ActionState::Running { until, .. } => {
                queue.insert((*until, key.to_owned()));
            }
            ActionState::Done { until } | ActionState::Dead { until, .. } => {
                deadlines.insert((*until, Entry::Action(key.to_owned())));
            }
        }
        true
    }

    pub(crate) fn renew_at(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        self.settle_action_at(key, lease, now, |now| ActionState::Running {
            token: lease.token().to_owned(),
            until: now + terms.lease,
        })
    }

    pub(crate) fn succeed_at(
        &self,
        key: &str,
        lease: &Lease,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        self.settle_action_at(key, lease, now, |now| ActionState::Done {
            until: now + terms.retention,
        })
    }

    pub(crate) fn fail_at(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
        now: Instant,
    ) -> bool {
        self.settle_action_at(key, lease, now, |now| match next {
            Next::Retry(delay) => ActionState::Pending { due: now + delay },
            Next::GiveUp => ActionState::Dead {
                error: error.to_owned(),
                until: now + terms.dead_retention,
            },
        })
    }

    pub(crate) fn dead_at(&self, limit: usize, now: Instant) -> Vec<DeadAction> {
        let mut state = self.lock();
        state.expire(now);
        let mut dead: Vec<DeadAction> = state
            .actions
            .iter()
            .filter_map(|(key, action)| match &action.state {
                ActionState::Dead { error, .. } => Some(DeadAction {
                    key: key.clone(),
                    payload: action.payload.clone(),
                    attempts: action.attempts,
                    last_error: error.clone(),
                }),
                _ => None,
            })
            .collect();
        dead.sort_by(|a, b| a.key.cmp(&b.key));
        dead.truncate(limit);
        dead
    }

    pub(crate) fn retry_at(&self, key: &str, now: Instant) -> bool {
        let mut state = self.lock();
        state.expire(now);
        let State {
            actions,
            queue,
            deadlines,
            ..
        } = &mut *state;
        let Some(action) = actions.get_mut(key) else {
            return false;
        };
        let ActionState::Dead { until, .. } = &action.state else {
            return false;
        };
        deadlines.remove(&(*until, Entry::Action(key.to_owned())));
        action.attempts = 0;
        action.since = now;
        action.state = ActionState::Pending { due: now };
        queue.insert((now, key.to_owned()));
        true
    }
}

impl State {
    fn expire(&mut self, now: Instant) {
        while let Some((deadline, _)) = self.deadlines.first() {
            if *deadline > now {
                break;
            }
            let Some((deadline, entry)) = self.deadlines.pop_first() else {
                break;
            };
            match entry {
                Entry::Reservation { claim, attempt } => {
                    if let Some(pool) = self.claims.get_mut(&claim) {
                        if let Some(&(number, Some(until))) = pool.held.get(&attempt) {
                            if until == deadline {
                                pool.held.remove(&attempt);
                                pool.free.insert(number);
                            }
                        }
                    }
                }
                Entry::Token(attempt) => {
                    self.tokens.remove(&attempt);
                }
                Entry::Delivery(key) => {
                    self.deliveries.remove(&key);
                }
                Entry::Action(key) => {
                    if let Some(Action {
                        state: ActionState::Done { until } | ActionState::Dead { until, .. },
                        ..
                    }) = self.actions.get(&key)
                    {
                        if *until == deadline {
                            self.actions.remove(&key);
                        }
                    }
                }
            }
        }
    }
}

impl Claim {
    fn lowest_free(&self, limit: Option<u64>) -> Result<u64, Error> {
        let number = self.free.first().copied().unwrap_or(self.next);
        match limit {
            Some(limit) if number >= limit => Err(Error::new(ErrorKind::Exhausted)),
            _ => Ok(number),
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }
}

impl ClaimNumbers for MemoryStore {
    async fn reserve(&self, pool: &ClaimPool<'_>, attempt_id: &str) -> Result<u64, Error> {
        self.reserve_at(pool, attempt_id, self.now())
    }

    async fn preview(&self, pool: &ClaimPool<'_>) -> Result<u64, Error> {
        self.preview_at(pool, self.now())
    }

    async fn confirm(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(claim_id, attempt_id, true);
        Ok(())
    }

    async fn release(&self, claim_id: &str, attempt_id: &str) -> Result<(), Error> {
        self.settle(claim_id, attempt_id, false);
        Ok(())
    }
}

impl ClaimTokens for MemoryStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        self.issue_at(attempt_id, retention, self.now())
    }
}

impl Deliveries for MemoryStore {
    async fn begin(&self, key: &str, terms: &DeliveryTerms) -> Result<Begun, Error> {
        self.begin_at(key, terms, self.now())
    }

    async fn complete(
        &self,
        key: &str,
        lease: &Lease,
        terms: &DeliveryTerms,
    ) -> Result<bool, Error> {
        Ok(self.end_at(key, lease, Some(terms), self.now()))
    }

    async fn abandon(&self, key: &str, lease: &Lease) -> Result<bool, Error> {
        Ok(self.end_at(key, lease, None, self.now()))
    }
}

impl Actions for MemoryStore {
    async fn enqueue(&self, key: &str, payload: &str) -> Result<bool, Error> {
        self.enqueue_at(key, payload, self.now())
    }

    async fn take_due(&self, limit: usize, terms: &ActionTerms) -> Result<Vec<DueAction>, Error> {
        Ok(self.take_due_at(limit, terms, self.now()))
    }

    async fn renew(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        Ok(self.renew_at(key, lease, terms, self.now()))
    }

    async fn succeed(&self, key: &str, lease: &Lease, terms: &ActionTerms) -> Result<bool, Error> {
        Ok(self.succeed_at(key, lease, terms, self.now()))
    }

    async fn fail(
        &self,
        key: &str,
        lease: &Lease,
        next: Next,
        error: &str,
        terms: &ActionTerms,
    ) -> Result<bool, Error> {
        Ok(self.fail_at(key, lease, next, error, terms, self.now()))
    }

    async fn dead(&self, limit: usize) -> Result<Vec<DeadAction>, Error> {
        Ok(self.dead_at(limit, self.now()))
    }

    async fn retry(&self, key: &str) -> Result<bool, Error> {
        Ok(self.retry_at(key, self.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn pool(limit: Option<u64>) -> ClaimPool<'static> {
        ClaimPool {
            claim_id: "c",
            limit,
            hold: MINUTE,
        }
    }

    #[test]
    fn reservations_expire_into_the_free_set() {
        let store = MemoryStore::default();
        let t0 = Instant::now();
        assert_eq!(store.reserve_at(&pool(None), "a", t0).unwrap(), 0);
        assert_eq!(
            store.reserve_at(&pool(None), "b", t0 + MINUTE / 2).unwrap(),
            1
        );
        assert_eq!(
            store
                .preview_at(&pool(None), t0 + MINUTE - Duration::from_secs(1))
                .unwrap(),
            2
        );
        assert_eq!(store.preview_at(&pool(None), t0 + MINUTE).unwrap(), 0);
        assert_eq!(store.reserve_at(&pool(None), "c", t0 + MINUTE).unwrap(), 0);
        assert_eq!(store.reserve_at(&pool(None), "b", t0 + MINUTE).unwrap(), 1);
    }

    #[test]
    fn a_full_store_is_unavailable_and_forgets_nothing() {
        let store = MemoryStore::with_capacity(2);
        let now = Instant::now();
        store.reserve_at(&pool(None), "a", now).unwrap();
        store.issue_at("t", MINUTE, now).unwrap();
        let err = store.reserve_at(&pool(None), "b", now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.status(), 503);
        assert_eq!(
            store.reserve_at(&pool(None), "a", now).unwrap(),
            0,
            "known attempts still answer"
        );
        assert_eq!(
            store
                .begin_at("k", &DeliveryTerms::default(), now)
                .unwrap_err()
                .kind(),
            ErrorKind::Unavailable
        );
        // Expired entries make room.
        assert_eq!(store.reserve_at(&pool(None), "b", now + MINUTE).unwrap(), 0);
    }

    #[test]
    fn leases_expire_and_are_fenced() {
        let store = MemoryStore::default();
        let terms = DeliveryTerms {
            lease: MINUTE,
            retention: 10 * MINUTE,
        };
        let t0 = Instant::now();
        let Begun::Leased(first) = store.begin_at("k", &terms, t0).unwrap() else {
            panic!("a new delivery is leased")
        };
        assert_eq!(store.begin_at("k", &terms, t0).unwrap(), Begun::InFlight);
        let Begun::Leased(second) = store.begin_at("k", &terms, t0 + MINUTE).unwrap() else {
            panic!("an expired lease frees itself")
        };
        assert!(
            !store.end_at("k", &first, None, t0 + MINUTE),
            "a stale holder frees nothing"
        );
        assert_eq!(
            store.begin_at("k", &terms, t0 + MINUTE).unwrap(),
            Begun::InFlight
        );
        assert!(store.end_at("k", &second, Some(&terms), t0 + MINUTE));
        assert_eq!(
            store.begin_at("k", &terms, t0 + 2 * MINUTE).unwrap(),
            Begun::Done
        );
        assert!(matches!(
            store.begin_at("k", &terms, t0 + 11 * MINUTE).unwrap(),
            Begun::Leased(_)
        ));
    }
}
