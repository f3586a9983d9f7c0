//! Claim numbers: the `ClaimNumbers` preset, served correctly under
//! concurrency, retries and restarts.

use std::future::Future;
use std::time::Duration;

use crate::{AttemptStatus, ClaimNumber, Context, Error, ErrorKind, Preset, Stateless};

/// One claim's pool of numbers, as a store operation sees it: which claim,
/// its bound, and how long a reservation waits for its status webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimPool<'a> {
    /// The claim (`claimId`); every claim numbers from 0 on its own.
    pub claim_id: &'a str,
    /// Numbers are below this bound (the claim's `maxUses`), when set.
    pub limit: Option<u64>,
    /// How long a reservation that is neither confirmed nor released is
    /// kept before its number is free again.
    pub hold: Duration,
}

impl ClaimPool<'_> {
    /// `number` when it is below the pool's [`limit`](Self::limit), else
    /// [`ErrorKind::Exhausted`](crate::ErrorKind::Exhausted): the bound, as
    /// every store and [`claim_number_with`] apply it.
    ///
    /// ```
    /// use claimkit::store::{ClaimPool, Numbering};
    /// let pool = ClaimPool { claim_id: "c", limit: Some(2), hold: Numbering::DEFAULT_HOLD };
    /// assert_eq!(pool.admit(1), Ok(1));
    /// assert_eq!(pool.admit(2).unwrap_err().kind(), claimkit::ErrorKind::Exhausted);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`](crate::ErrorKind::Exhausted) at or above the
    /// limit.
    pub fn admit(&self, number: u64) -> Result<u64, Error> {
        match self.limit {
            Some(limit) if number >= limit => Err(Error::new(ErrorKind::Exhausted)),
            _ => Ok(number),
        }
    }
}

/// Each claim's pool of 0-based claim numbers.
///
/// An executing attempt reserves the lowest free number of its claim (the
/// same attempt asking again gets the same number, confirmed or not); a
/// `success` status webhook confirms it; a `failure` releases it for the
/// next attempt. A number is free when no attempt of the same claim holds it
/// confirmed, or reserved within [`ClaimPool::hold`].
///
/// # What an implementation guarantees
///
/// - Two attempts of one claim never hold the same number at once, however
///   many processes share the store: reserving is one atomic step.
/// - [`reserve`](Self::reserve) never answers a number at or above
///   [`ClaimPool::limit`]; with no number left it fails with
///   [`ErrorKind::Exhausted`](crate::ErrorKind::Exhausted) (`409`).
/// - A reservation expires by the store's clock `hold` after it was made.
/// - Confirmed numbers are kept for good; `Ok` means durable (see the
///   [module docs](crate::store)).
pub trait ClaimNumbers: Send + Sync {
    /// The number `attempt_id` holds in `pool`, reserving the lowest free
    /// number the first time.
    ///
    /// # Errors
    /// [`ErrorKind::Exhausted`](crate::ErrorKind::Exhausted) when every
    /// number below the limit is taken;
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store is full or cannot be reached.
    fn reserve(
        &self,
        pool: &ClaimPool<'_>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<u64, Error>> + Send;

    /// The lowest free number of `claim_id` now, reserving nothing,
    /// whatever its bound: the number a new attempt would get if the bound
    /// allows it ([`preview`](Self::preview) applies the bound).
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn lowest_free(&self, claim_id: &str) -> impl Future<Output = Result<u64, Error>> + Send;

    /// The number a new attempt would get now, reserving nothing (for
    /// simulations): [`lowest_free`](Self::lowest_free), checked against
    /// the pool's bound by [`ClaimPool::admit`]. Stores do not override it.
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    fn preview(&self, pool: &ClaimPool<'_>) -> impl Future<Output = Result<u64, Error>> + Send {
        async move { pool.admit(self.lowest_free(pool.claim_id).await?) }
    }

    /// Makes `attempt_id`'s number in `claim_id` permanent (the claim
    /// succeeded). Unknown or expired attempts are ignored, so retried
    /// webhooks are harmless.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store cannot be reached.
    fn confirm(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Frees `attempt_id`'s reserved number in `claim_id` for the next
    /// attempt (the claim failed). Unknown attempts and confirmed numbers
    /// are left alone.
    ///
    /// # Errors
    /// As [`confirm`](Self::confirm).
    fn release(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// How a plugin numbers its claims: the bound, and how long a reservation
/// waits for its status webhook.
///
/// ```
/// use std::time::Duration;
/// use claimkit::store::Numbering;
///
/// let numbering = Numbering::new()
///     .with_max_uses(500)
///     .with_hold(Duration::from_secs(3600));
/// assert_eq!(numbering.max_uses(), Some(500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbering {
    max_uses: Option<u64>,
    hold: Duration,
}

impl Numbering {
    /// The default time a reservation waits for its outcome: 24 hours.
    ///
    /// The hold is a trade-off. Reconciled
    /// ([`reconcile`](crate::reconcile)), a number is confirmed or released
    /// seconds after the claim ends, and the hold only has to outlast an
    /// outage of the platform's API (a confirmation that comes after the
    /// hold lapsed does not take the number back). With status webhooks
    /// alone it must outlast their retries (1 h, 2 h, 4 h…). With neither, a
    /// successful attempt's number is handed out again once the hold
    /// lapses: reconcile such a plugin.
    pub const DEFAULT_HOLD: Duration = Duration::from_secs(24 * 60 * 60);

    /// No bound of the plugin's own (the claim's `maxUses` still applies
    /// when the platform sends it), and the default hold.
    pub const fn new() -> Self {
        Self {
            max_uses: None,
            hold: Self::DEFAULT_HOLD,
        }
    }

    /// Numbers stay below `max_uses` for every claim. When the platform
    /// also sends a claim's `maxUses`, the lower bound applies.
    pub const fn with_max_uses(mut self, max_uses: u64) -> Self {
        self.max_uses = Some(max_uses);
        self
    }

    /// Sets how long a reservation waits for its outcome (its status
    /// webhook, or the platform's record when reconciled): see
    /// [`DEFAULT_HOLD`](Self::DEFAULT_HOLD) for the trade-off.
    pub const fn with_hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }

    /// The plugin's own bound.
    pub const fn max_uses(&self) -> Option<u64> {
        self.max_uses
    }

    /// How long a reservation waits for its status webhook.
    pub const fn hold(&self) -> Duration {
        self.hold
    }

    /// The pool of the claim `context` belongs to: its `claimId` (a call
    /// without one numbers in the pool of the empty id), and the lower of
    /// the plugin's bound and the claim's `maxUses`.
    pub fn pool<'a>(&self, context: &'a Context) -> ClaimPool<'a> {
        let limit = match (self.max_uses, context.max_uses) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        ClaimPool {
            claim_id: context.claim_id.as_deref().unwrap_or(""),
            limit,
            hold: self.hold,
        }
    }
}

impl Default for Numbering {
    fn default() -> Self {
        Self::new()
    }
}

/// Answers a `ClaimNumbers` plugin call by the protocol's rules, with the
/// default [`Numbering`]. See [`claim_number_with`].
///
/// # Errors
/// As [`claim_number_with`].
///
/// ```
/// use claimkit::store::{claim_number, MemoryStore};
/// use claimkit::{AttemptStatus, ClaimNumber, Context, Preset};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// assert_eq!(claim_number(&store, &attempt).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
/// assert_eq!(claim_number(&store, &attempt).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
///
/// // Another claim numbers on its own.
/// let mut other = attempt.clone();
/// other.claim_id = Some("c2".into());
/// other.claim_attempt_id = Some("b1".into());
/// assert_eq!(claim_number(&store, &other).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
///
/// attempt.attempt_status = Some(AttemptStatus::Failure);
/// assert_eq!(claim_number(&store, &attempt).await?, Preset::Stateless);
/// // Number 0 of claim c1 is free again.
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn claim_number<P: ClaimNumbers + ?Sized>(
    pool: &P,
    context: &Context,
) -> Result<Preset, Error> {
    claim_number_with(pool, context, &Numbering::new()).await
}

/// Answers a `ClaimNumbers` plugin call by the protocol's rules, numbering
/// each claim on its own:
///
/// | call | pool | answer |
/// |---|---|---|
/// | simulation | nothing changes | the number a real call would get now |
/// | executing | reserve (the same for a retried attempt) | `{"claimNumber": n}` |
/// | executing without an attempt id (legacy) | reserved and confirmed at once | `{"claimNumber": n}` |
/// | `success` webhook | confirm | `{}` |
/// | `failure` webhook | release | `{}` |
///
/// A simulation answers what the real call would (a number, or the same
/// `409` when none is left), since the platform may replay a simulation's
/// answer instead of calling again.
///
/// # Errors
/// [`ErrorKind::Exhausted`](crate::ErrorKind::Exhausted) (`409 {"message":
/// "no claim numbers left"}`) when the claim has no number left below its
/// bound; the store's errors.
pub async fn claim_number_with<P: ClaimNumbers + ?Sized>(
    store: &P,
    context: &Context,
    numbering: &Numbering,
) -> Result<Preset, Error> {
    let pool = numbering.pool(context);
    if context.is_simulation() {
        return match context.attempt_status() {
            AttemptStatus::Executing => {
                // The bound is the core's: a store only finds the number.
                let number = pool.admit(store.lowest_free(pool.claim_id).await?)?;
                Ok(ClaimNumber::new(number).into())
            }
            _ => Ok(Stateless.into()),
        };
    }
    match (context.attempt_status(), context.attempt_id()) {
        (AttemptStatus::Executing, Some(attempt)) => {
            Ok(ClaimNumber::new(store.reserve(&pool, attempt).await?).into())
        }
        (AttemptStatus::Executing, None) => {
            // Nothing to key a reservation on: take a number for good.
            let key = format!("anonymous:{}", super::random_token());
            let number = store.reserve(&pool, &key).await?;
            store.confirm(pool.claim_id, &key).await?;
            Ok(ClaimNumber::new(number).into())
        }
        (AttemptStatus::Success, Some(attempt)) => {
            store.confirm(pool.claim_id, attempt).await?;
            Ok(Stateless.into())
        }
        (AttemptStatus::Failure, Some(attempt)) => {
            store.release(pool.claim_id, attempt).await?;
            Ok(Stateless.into())
        }
        _ => Ok(Stateless.into()),
    }
}

impl<T: ClaimNumbers + ?Sized> ClaimNumbers for std::sync::Arc<T> {
    fn reserve(
        &self,
        pool: &ClaimPool<'_>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).reserve(pool, attempt_id)
    }
    fn lowest_free(&self, claim_id: &str) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).lowest_free(claim_id)
    }
    fn confirm(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).confirm(claim_id, attempt_id)
    }
    fn release(
        &self,
        claim_id: &str,
        attempt_id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        (**self).release(claim_id, attempt_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use futures_executor::block_on;

    fn context(claim: &str, attempt: &str, status: AttemptStatus, simulation: bool) -> Context {
        Context {
            claim_id: Some(claim.into()),
            claim_attempt_id: Some(attempt.into()),
            attempt_status: Some(status),
            simulation: Some(simulation),
            ..Context::default()
        }
    }

    fn number(preset: Preset) -> u64 {
        match preset {
            Preset::ClaimNumber(n) => n.get(),
            other => panic!("expected a number, got {other:?}"),
        }
    }

    #[test]
    fn the_protocol_flow() {
        block_on(async {
            let store = MemoryStore::default();
            let sim = context("c", "", AttemptStatus::Executing, true);
            assert_eq!(number(claim_number(&store, &sim).await.unwrap()), 0);

            let a = context("c", "a", AttemptStatus::Executing, false);
            let b = context("c", "b", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&store, &a).await.unwrap()), 0);
            assert_eq!(number(claim_number(&store, &a).await.unwrap()), 0);
            assert_eq!(number(claim_number(&store, &b).await.unwrap()), 1);
            assert_eq!(number(claim_number(&store, &sim).await.unwrap()), 2);

            let a_ok = context("c", "a", AttemptStatus::Success, false);
            let b_failed = context("c", "b", AttemptStatus::Failure, false);
            assert_eq!(
                claim_number(&store, &a_ok).await.unwrap(),
                Preset::Stateless
            );
            assert_eq!(
                claim_number(&store, &b_failed).await.unwrap(),
                Preset::Stateless
            );
            assert_eq!(
                claim_number(&store, &b_failed).await.unwrap(),
                Preset::Stateless
            );
            let c = context("c", "c", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&store, &c).await.unwrap()), 1);
            // A retried, confirmed attempt keeps its number.
            assert_eq!(number(claim_number(&store, &a).await.unwrap()), 0);
            // A late failure webhook for a confirmed attempt frees nothing.
            let a_failed = context("c", "a", AttemptStatus::Failure, false);
            claim_number(&store, &a_failed).await.unwrap();
            assert_eq!(number(claim_number(&store, &sim).await.unwrap()), 2);
            // A simulated status webhook changes nothing.
            let sim_fail = context("c", "c", AttemptStatus::Failure, true);
            assert_eq!(
                claim_number(&store, &sim_fail).await.unwrap(),
                Preset::Stateless
            );
            assert_eq!(number(claim_number(&store, &sim).await.unwrap()), 2);
        });
    }

    #[test]
    fn the_bound_is_the_lower_of_the_plugins_and_the_claims() {
        block_on(async {
            let store = MemoryStore::default();
            let numbering = Numbering::new().with_max_uses(2);
            let mut first = context("c", "a", AttemptStatus::Executing, false);
            first.max_uses = Some(5);
            assert_eq!(numbering.pool(&first).limit, Some(2));
            assert_eq!(
                number(claim_number_with(&store, &first, &numbering).await.unwrap()),
                0
            );
            let second = context("c", "b", AttemptStatus::Executing, false);
            assert_eq!(
                number(
                    claim_number_with(&store, &second, &numbering)
                        .await
                        .unwrap()
                ),
                1
            );
            let third = context("c", "x", AttemptStatus::Executing, false);
            let err = claim_number_with(&store, &third, &numbering)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Exhausted);
            assert_eq!(err.status(), 409);
            assert_eq!(err.message(), "no claim numbers left");
            // A simulation answers what the real call would.
            let sim = context("c", "", AttemptStatus::Executing, true);
            let err = claim_number_with(&store, &sim, &numbering)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Exhausted);
            // The claim's own maxUses alone bounds it too.
            let mut capped = context("d", "a", AttemptStatus::Executing, false);
            capped.max_uses = Some(0);
            let err = claim_number(&store, &capped).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Exhausted);
        });
    }

    #[test]
    fn legacy_calls_without_an_attempt_id_take_a_number_for_good() {
        block_on(async {
            let store = MemoryStore::default();
            let legacy = context("c", "", AttemptStatus::Executing, false);
            assert_eq!(number(claim_number(&store, &legacy).await.unwrap()), 0);
            assert_eq!(number(claim_number(&store, &legacy).await.unwrap()), 1);
        });
    }
}
