//! Looking at what a store holds, changing nothing: what an operator's
//! tools (`claimkit store …`) show.

use std::future::Future;
use std::time::Duration;

use super::{ActionState, QueueDepth};
use crate::Error;

/// An action as the store holds it now, as [`Inspect::actions`] and
/// [`Inspect::action`] show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// The action's key.
    pub key: String,
    /// Its state.
    pub state: ActionState,
    /// What the action needs to run, as it was enqueued (JSON text);
    /// `None` once it is done (a store need not keep a done action's
    /// payload).
    pub payload: Option<String>,
    /// How many tries were taken since it was enqueued or retried by hand.
    pub attempts: u32,
    /// What its last failed try failed with (kept when it is retried by
    /// hand); `None` when no try has failed.
    pub last_error: Option<String>,
    /// The time of its state, in milliseconds from the store's now
    /// (negative in the past): when a pending action is due, when a running
    /// action's lease expires (then it is due again), when a done or dead
    /// action is forgotten.
    pub at_ms: i64,
    /// How long ago it was enqueued (or retried by hand), by the store's
    /// clock.
    pub age: Duration,
}

impl ActionRecord {
    /// Whether a runner would take it now: pending and due, or running
    /// under an expired lease (its runner is gone).
    ///
    /// ```
    /// use std::time::Duration;
    /// use claimkit::store::{ActionRecord, ActionState};
    /// let mut action = ActionRecord {
    ///     key: "a1:success".into(),
    ///     state: ActionState::Pending,
    ///     payload: Some("{}".into()),
    ///     attempts: 0,
    ///     last_error: None,
    ///     at_ms: -5,
    ///     age: Duration::from_millis(5),
    /// };
    /// assert!(action.is_due());
    /// action.at_ms = 1_000;
    /// assert!(!action.is_due());
    /// ```
    pub fn is_due(&self) -> bool {
        matches!(self.state, ActionState::Pending | ActionState::Running) && self.at_ms <= 0
    }
}

/// A number an attempt holds in its claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldNumber {
    /// The number.
    pub number: u64,
    /// The attempt that holds it.
    pub attempt_id: String,
    /// How long the reservation is kept unless confirmed or released;
    /// `None` once it is confirmed (kept for good).
    pub expires_in: Option<Duration>,
}

impl HeldNumber {
    /// Whether the number is confirmed (the claim succeeded).
    pub fn is_confirmed(&self) -> bool {
        self.expires_in.is_none()
    }
}

/// What a claim's numbers are used for, below a bound, as
/// [`Inspect::claim_use`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUse {
    /// The claim.
    pub claim_id: String,
    /// The bound the counts are below (the claim's `maxUses`), when one
    /// was given.
    pub bound: Option<u64>,
    /// How many numbers below the bound are confirmed.
    pub confirmed: u64,
    /// How many numbers below the bound are reserved, waiting for their
    /// status webhook (an expired reservation is free).
    pub held: u64,
    /// The lowest number never handed out: every number below it was
    /// handed out once (and is held, or free again).
    pub next: u64,
    /// The numbers held below the bound, lowest first, as many as were
    /// asked for.
    pub numbers: Vec<HeldNumber>,
}

impl ClaimUse {
    /// How many numbers below the bound no attempt holds: the attempts the
    /// claim can still take. `None` without a bound (no end).
    ///
    /// ```
    /// use claimkit::store::ClaimUse;
    /// let used = ClaimUse {
    ///     claim_id: "c".into(),
    ///     bound: Some(10),
    ///     confirmed: 3,
    ///     held: 2,
    ///     next: 6,
    ///     numbers: Vec::new(),
    /// };
    /// assert_eq!(used.free(), Some(5));
    /// assert_eq!(used.released(), 1); // one of 0..6 was given back
    /// ```
    pub fn free(&self) -> Option<u64> {
        self.bound
            .map(|bound| bound.saturating_sub(self.confirmed + self.held))
    }

    /// How many numbers below both [`next`](Self::next) and the bound are
    /// free again (released, or their reservation expired): the numbers the
    /// next attempts get first.
    pub fn released(&self) -> u64 {
        let handed_out = self.bound.map_or(self.next, |bound| bound.min(self.next));
        handed_out.saturating_sub(self.confirmed + self.held)
    }
}

/// A claim token as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token issued to the attempt.
    pub token: String,
    /// How long it is remembered.
    pub expires_in: Duration,
}

/// A delivery as the store remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryRecord {
    /// Being handled under a lease that expires in this long.
    InFlight {
        /// How long the lease holds it.
        expires_in: Duration,
    },
    /// Done, remembered this long.
    Done {
        /// How long it is remembered.
        expires_in: Duration,
    },
}

/// Reads what a store holds, for an operator: the queue, a claim's
/// numbers, what one attempt left behind.
///
/// # What an implementation guarantees
///
/// - **Reading changes nothing.** No method writes, not even to forget
///   what expired: an expired entry is shown as what it counts as (a
///   reservation past its time is free, a done or dead action past its
///   retention, a token or delivery past its time are absent) and left for
///   [`Purge`](super::Purge).
/// - **The store's clock.** Every time is measured by the clock the store
///   expires by, as its other methods do.
/// - **Bounded.** Lists hold at most the `limit` asked for.
///
/// [`inspect_attempt`] puts together what one attempt left behind, by the
/// keys the core gives it.
pub trait Inspect: Send + Sync {
    /// At most `limit` actions in `state`, by the time of their state
    /// (the due first for pending and running ones), then by key.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn actions(
        &self,
        state: ActionState,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ActionRecord>, Error>> + Send;

    /// The action `key`, if the store knows it.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn action(&self, key: &str)
        -> impl Future<Output = Result<Option<ActionRecord>, Error>> + Send;

    /// The numbers of `claim_id` below `bound` (all without one): how many
    /// are confirmed and held, and at most `limit` of them, lowest first.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn claim_use(
        &self,
        claim_id: &str,
        bound: Option<u64>,
        limit: usize,
    ) -> impl Future<Output = Result<ClaimUse, Error>> + Send;

    /// The number `attempt_id` holds in `claim_id`, if any.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<Option<HeldNumber>, Error>> + Send;

    /// The token remembered for the attempt key `attempt_key`, if any.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn token(
        &self,
        attempt_key: &str,
    ) -> impl Future<Output = Result<Option<TokenRecord>, Error>> + Send;

    /// The delivery `key`, if the store remembers it.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn delivery(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<DeliveryRecord>, Error>> + Send;

    /// How many actions are due, waiting, running and dead, and how long
    /// the action due longest has been due: one cheap read (one statement
    /// or script), what `claimkit_tokio::Runner` samples now and then for
    /// the queue's gauges. Done actions are not counted, and a dead one
    /// past its retention counts as forgotten.
    ///
    /// # Errors
    /// As [`actions`](Self::actions).
    fn queue_depth(&self) -> impl Future<Output = Result<QueueDepth, Error>> + Send;
}

impl<T: Inspect + ?Sized> Inspect for std::sync::Arc<T> {
    fn actions(
        &self,
        state: ActionState,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ActionRecord>, Error>> + Send {
        (**self).actions(state, limit)
    }
    fn action(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<ActionRecord>, Error>> + Send {
        (**self).action(key)
    }
    fn claim_use(
        &self,
        claim_id: &str,
        bound: Option<u64>,
        limit: usize,
    ) -> impl Future<Output = Result<ClaimUse, Error>> + Send {
        (**self).claim_use(claim_id, bound, limit)
    }
    fn held_number(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<Option<HeldNumber>, Error>> + Send {
        (**self).held_number(claim_id, attempt_id)
    }
    fn token(
        &self,
        attempt_key: &str,
    ) -> impl Future<Output = Result<Option<TokenRecord>, Error>> + Send {
        (**self).token(attempt_key)
    }
    fn delivery(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<DeliveryRecord>, Error>> + Send {
        (**self).delivery(key)
    }
    fn queue_depth(&self) -> impl Future<Output = Result<QueueDepth, Error>> + Send {
        (**self).queue_depth()
    }
}

/// Which attempt [`inspect_attempt`] looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptQuery<'a> {
    /// The attempt (`claimAttemptId`).
    pub attempt_id: &'a str,
    /// Its claim (`claimId`): numbers are kept per claim, so its number is
    /// looked up only with it.
    pub claim_id: Option<&'a str>,
    /// Its instance (`instanceId`), for a plugin that keys per instance
    /// ([`KeyScope::Instance`](crate::KeyScope::Instance)).
    pub instance_id: Option<&'a str>,
}

/// What a store knows about one attempt, as [`inspect_attempt`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The number it holds in its claim (looked up with a claim id only).
    pub number: Option<HeldNumber>,
    /// The key its token is kept under, and the token.
    pub token: (String, Option<TokenRecord>),
    /// Its status webhooks' post-claim actions: the key of each status
    /// (`success`, `failure`) and the action, if queued.
    pub actions: Vec<(String, Option<ActionRecord>)>,
    /// Its status webhooks' deliveries, by the same keys.
    pub deliveries: Vec<(String, Option<DeliveryRecord>)>,
}

impl AttemptRecord {
    /// Whether the store holds anything of the attempt.
    pub fn is_empty(&self) -> bool {
        self.number.is_none()
            && self.token.1.is_none()
            && self.actions.iter().all(|(_, action)| action.is_none())
            && self
                .deliveries
                .iter()
                .all(|(_, delivery)| delivery.is_none())
    }
}

/// What `store` knows about one attempt: its number, its token, its
/// status webhooks' actions and deliveries, each looked up by the key the
/// core keeps it under ([`KeyScope`](crate::KeyScope)'s attempt and status
/// keys). Changes nothing.
///
/// ```
/// use claimkit::store::{claim_number, enqueue_status_action, inspect_attempt, AttemptQuery, MemoryStore};
/// use claimkit::{AttemptStatus, Context};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// claim_number(&store, &attempt).await?;
/// attempt.attempt_status = Some(AttemptStatus::Success);
/// enqueue_status_action(&store, &attempt).await?;
///
/// let query = AttemptQuery { attempt_id: "a1", claim_id: Some("c1"), instance_id: None };
/// let found = inspect_attempt(&store, &query).await?;
/// assert_eq!(found.number.map(|held| held.number), Some(0));
/// assert_eq!(found.actions[0].0, "a1:success");
/// assert!(found.actions[0].1.is_some());
/// assert!(found.token.1.is_none());
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
/// The store's errors.
pub async fn inspect_attempt<S: Inspect + ?Sized>(
    store: &S,
    query: &AttemptQuery<'_>,
) -> Result<AttemptRecord, Error> {
    let instance = query.instance_id.filter(|id| !id.is_empty());
    let number = match query.claim_id {
        Some(claim_id) => store.held_number(claim_id, query.attempt_id).await?,
        None => None,
    };
    let token_key = crate::plugin::attempt_key(query.attempt_id, instance);
    let token = store.token(&token_key).await?;
    let mut actions = Vec::new();
    let mut deliveries = Vec::new();
    for status in [crate::AttemptStatus::Success, crate::AttemptStatus::Failure] {
        let key = crate::plugin::status_key(query.attempt_id, instance, status.as_str());
        actions.push((key.clone(), store.action(&key).await?));
        deliveries.push((key.clone(), store.delivery(&key).await?));
    }
    Ok(AttemptRecord {
        number,
        token: (token_key, token),
        actions,
        deliveries,
    })
}
