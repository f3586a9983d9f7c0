//! Claim numbers: the `ClaimNumbers` preset, served correctly under
//! concurrency, retries and restarts.

use std::future::Future;
use std::time::Duration;

use super::simulation_hold::{simulation_holder, warn_unkeyed, DEFAULT_SIMULATION_HOLD};
use crate::platform::{AttemptsPage, Outcome, PlatformRecord, Unanswered};
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

    /// The number `attempt_id` holds in `pool` (confirmed, or reserved
    /// within its hold); else the number `holder` holds there within its
    /// hold (a [simulation hold](crate::store::simulation_holder)), handed
    /// over to `attempt_id` in one atomic step and reserved for
    /// [`ClaimPool::hold`] from now; else `None`, changing nothing.
    ///
    /// After a hand-over `holder` holds nothing, so its next simulation
    /// gets a number of its own. `None` for `holder` only looks the
    /// attempt up.
    ///
    /// # Errors
    /// As [`confirm`](Self::confirm).
    fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<Option<u64>, Error>> + Send;

    /// The number an executing attempt gets: what
    /// [`take_over`](Self::take_over) answers (the number `attempt_id`
    /// holds, else `holder`'s simulation hold handed over to it), else the
    /// lowest free number reserved for it as [`reserve`](Self::reserve)
    /// does.
    ///
    /// The default is those two calls, one after the other. A store that
    /// makes them one step (one batch, one round trip, one commit) overrides
    /// it; the answer must be the same as the two calls' at some instant,
    /// and the guarantees of [`reserve`](Self::reserve) and
    /// [`take_over`](Self::take_over) hold.
    ///
    /// ```
    /// use claimkit::store::{ClaimNumbers, ClaimPool, MemoryStore, Numbering};
    /// # futures_executor::block_on(async {
    /// let store = MemoryStore::default();
    /// let pool = ClaimPool { claim_id: "c", limit: None, hold: Numbering::DEFAULT_HOLD };
    /// // A simulation's hold, then the attempt that replays it takes it over.
    /// assert_eq!(store.reserve(&pool, "simulation:bb1").await?, 0);
    /// assert_eq!(store.take_over_or_reserve(&pool, Some("simulation:bb1"), "a").await?, 0);
    /// // No hold to take: the lowest free number.
    /// assert_eq!(store.take_over_or_reserve(&pool, Some("simulation:bb2"), "b").await?, 1);
    /// // The same attempt again keeps its number.
    /// assert_eq!(store.take_over_or_reserve(&pool, None, "a").await?, 0);
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<u64, Error>> + Send {
        async move {
            match self.take_over(pool, holder, attempt_id).await? {
                Some(number) => Ok(number),
                None => self.reserve(pool, attempt_id).await,
            }
        }
    }

    /// Records `number` as confirmed for `attempt_id` in `claim_id`: the
    /// number the platform assigned to an attempt this store never
    /// reserved. Numbers below it that were never handed out become free,
    /// so the claim's numbers stay dense.
    ///
    /// Answers whether `attempt_id` holds `number` confirmed now: `false`,
    /// changing nothing, when the attempt holds another number, or another
    /// attempt holds `number` (confirmed, or reserved within its hold).
    ///
    /// # Errors
    /// As [`confirm`](Self::confirm).
    fn assign(
        &self,
        claim_id: &str,
        attempt_id: &str,
        number: u64,
    ) -> impl Future<Output = Result<bool, Error>> + Send;
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
    simulation_hold: Duration,
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
            simulation_hold: DEFAULT_SIMULATION_HOLD,
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

    /// Sets how long a simulation holds the number it previewed for its
    /// claim and address (default [`DEFAULT_SIMULATION_HOLD`]), waiting
    /// for the attempt that replays it.
    pub const fn with_simulation_hold(mut self, hold: Duration) -> Self {
        self.simulation_hold = hold;
        self
    }

    /// The plugin's own bound.
    pub const fn max_uses(&self) -> Option<u64> {
        self.max_uses
    }

    /// How long a simulation holds the number it previewed.
    pub const fn simulation_hold(&self) -> Duration {
        self.simulation_hold
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

impl Numbering {
    /// [`pool`](Self::pool), held for the [simulation
    /// hold](Self::simulation_hold): the pool a simulation's hold is made
    /// in.
    pub fn simulation_pool<'a>(&self, context: &'a Context) -> ClaimPool<'a> {
        ClaimPool {
            hold: self.simulation_hold,
            ..self.pool(context)
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
/// | simulation with `bitbadgesAddress` | the number is held for the claim and address for the [simulation hold](Numbering::simulation_hold) (the same again for the same address) | `{"claimNumber": n}` |
/// | simulation without an address | nothing changes; a warning once per claim | the number a real call would get now |
/// | executing | the attempt's number, else its address's simulation hold taken over, else the lowest free reserved | `{"claimNumber": n}` |
/// | executing without an attempt id (legacy) | as above, and confirmed at once | `{"claimNumber": n}` |
/// | `success` webhook | the attempt's number (or its address's hold, taken over) confirmed | `{}` |
/// | `failure` webhook | the attempt's number (or its address's hold) released | `{}` |
///
/// A simulation answers what the real call would (a number, or the same
/// `409` when none is left), since the platform may replay a simulation's
/// answer instead of calling again: then the status webhook is the first
/// call with the attempt's id, and settles the number its address held.
///
/// # Which plugin-version settings keep numbers right
///
/// - `ignoreSimulations`: the platform calls only for real; every attempt
///   reserves at `executing`. Safe under every call model.
/// - `passAddress`: simulations carry `bitbadgesAddress`, so each holds its
///   number for its claim and address: simultaneous simulations preview
///   distinct numbers, and the attempt that replays one keeps it. Without
///   it (and without `ignoreSimulations`), simultaneous simulations may
///   preview one number, which the platform then refuses to all but one
///   ("Claim number already used"); a warning says so once per claim.
/// - `receiveStatusWebhook`: `success` confirms and `failure` releases. Without
///   it, reservations and simulation holds lapse after their hold, and a
///   number the platform assigned may be handed out again: confirm numbers
///   from the platform's record instead, or keep the hold no shorter than
///   claims can take.
///
/// Webhooks stay idempotent for the attempt they name; one caveat: a
/// `failure` for an attempt that holds nothing releases what its address
/// holds, so a `failure` redelivered after its attempt's number was
/// released frees a newer simulation hold of the same address, if there
/// is one (the platform redelivers only webhooks not answered `200`).
///
/// A `success` for an attempt that holds nothing here (never reserved, or
/// its hold lapsed) is logged as a warning: the number the platform
/// assigned is not recorded and may be handed out again.
/// [`claim_number_with_record`] asks the platform's record instead.
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
    claim_number_with_record(store, None::<&Unrecorded>, context, numbering).await
}

/// [`claim_number_with`], asking `record` (the platform's record of
/// attempts, such as `claimkit-bitbadges`' client) for the number the
/// platform assigned when a `success` comes for an attempt that holds
/// nothing here, and confirming it ([`ClaimNumbers::assign`]). `None`
/// logs a warning instead, as [`claim_number_with`] does.
///
/// The record is read page by page from the claim's newest attempts (at
/// most [`LISTED_PAGES`] pages, each one metered request); an attempt not
/// found, or a record that does not answer, is logged as a warning that
/// says what was lost.
///
/// # Errors
/// As [`claim_number_with`].
///
/// ```
/// use claimkit::platform::Outcome;
/// use claimkit::store::{claim_number_with_record, ClaimNumbers, MemoryStore, Numbering};
/// use claimkit::testing::ScriptedRecord;
/// use claimkit::{AttemptStatus, Context};
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let record = ScriptedRecord::new();
/// record.settle("c1", "a1", Outcome::Succeeded { address: "bb1a".into(), claim_number: Some(0) });
/// let mut success = Context::default();
/// success.claim_id = Some("c1".into());
/// success.claim_attempt_id = Some("a1".into());
/// success.attempt_status = Some(AttemptStatus::Success);
/// // The plugin never reserved for `a1`: the record says it got 0.
/// claim_number_with_record(&store, Some(&record), &success, &Numbering::new()).await?;
/// let pool = Numbering::new().pool(&success);
/// assert_eq!(store.preview(&pool).await?, 1);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn claim_number_with_record<P, R>(
    store: &P,
    record: Option<&R>,
    context: &Context,
    numbering: &Numbering,
) -> Result<Preset, Error>
where
    P: ClaimNumbers + ?Sized,
    R: PlatformRecord + ?Sized,
{
    let pool = numbering.pool(context);
    let holder = simulation_holder(context);
    if context.is_simulation() {
        if context.attempt_status() != &AttemptStatus::Executing {
            return Ok(Stateless.into());
        }
        let number = match &holder {
            Some(holder) => {
                store
                    .reserve(&numbering.simulation_pool(context), holder)
                    .await?
            }
            None => {
                warn_unkeyed(pool.claim_id, "claim number");
                // The bound is the core's: a store only finds the number.
                pool.admit(store.lowest_free(pool.claim_id).await?)?
            }
        };
        return Ok(ClaimNumber::new(number).into());
    }
    let holder = holder.as_deref();
    match (context.attempt_status(), context.attempt_id()) {
        (AttemptStatus::Executing, Some(attempt)) => {
            let number = store.take_over_or_reserve(&pool, holder, attempt).await?;
            Ok(ClaimNumber::new(number).into())
        }
        (AttemptStatus::Executing, None) => {
            // Nothing to key a reservation on: take a number for good.
            let key = format!("anonymous:{}", super::random_token());
            let number = store.take_over_or_reserve(&pool, holder, &key).await?;
            store.confirm(pool.claim_id, &key).await?;
            Ok(ClaimNumber::new(number).into())
        }
        (AttemptStatus::Success, Some(attempt)) => {
            match store.take_over(&pool, holder, attempt).await? {
                Some(_) => store.confirm(pool.claim_id, attempt).await?,
                None => learn_assigned(store, record, pool.claim_id, attempt).await?,
            }
            Ok(Stateless.into())
        }
        (AttemptStatus::Failure, Some(attempt)) => {
            store.take_over(&pool, holder, attempt).await?;
            store.release(pool.claim_id, attempt).await?;
            Ok(Stateless.into())
        }
        _ => Ok(Stateless.into()),
    }
}

/// How many pages of a claim's attempts [`claim_number_with_record`] reads
/// at most to find one attempt: 10.
pub const LISTED_PAGES: usize = 10;

/// A `success` for `attempt` came, and it holds nothing here: confirms the
/// number `record` says the platform assigned, or warns what is lost.
async fn learn_assigned<P, R>(
    store: &P,
    record: Option<&R>,
    claim_id: &str,
    attempt: &str,
) -> Result<(), Error>
where
    P: ClaimNumbers + ?Sized,
    R: PlatformRecord + ?Sized,
{
    let Some(record) = record else {
        tracing::warn!(
            claim_id,
            claim_attempt_id = attempt,
            "a success came for an attempt that holds no claim number here (never reserved, \
             or its hold lapsed), and there is no platform record to ask: the number the \
             platform assigned is not recorded and may be handed out again"
        );
        return Ok(());
    };
    let mut bookmark: Option<String> = None;
    for _ in 0..LISTED_PAGES {
        let page = match record
            .claim_attempts(claim_id, bookmark.as_deref(), false)
            .await
        {
            Ok(page) => page,
            Err(unanswered) => {
                tracing::warn!(
                    claim_id,
                    claim_attempt_id = attempt,
                    error = &unanswered as &dyn std::error::Error,
                    "a success came for an attempt that holds no claim number here, and the \
                     platform's record did not answer: the number the platform assigned is \
                     not recorded and may be handed out again"
                );
                return Ok(());
            }
        };
        if let Some(listed) = page
            .attempts
            .iter()
            .find(|listed| listed.claim_attempt_id == attempt)
        {
            return confirm_listed(store, claim_id, attempt, &listed.outcome).await;
        }
        match page.next_bookmark {
            Some(next) if !next.is_empty() => bookmark = Some(next),
            _ => break,
        }
    }
    tracing::warn!(
        claim_id,
        claim_attempt_id = attempt,
        "a success came for an attempt that holds no claim number here, and the platform's \
         record does not list it yet: the number the platform assigned is not recorded and \
         may be handed out again"
    );
    Ok(())
}

/// Confirms the number the record lists for `attempt`.
async fn confirm_listed<P: ClaimNumbers + ?Sized>(
    store: &P,
    claim_id: &str,
    attempt: &str,
    outcome: &Outcome,
) -> Result<(), Error> {
    let Outcome::Succeeded {
        claim_number: Some(number),
        ..
    } = outcome
    else {
        tracing::warn!(
            claim_id,
            claim_attempt_id = attempt,
            "a success came for an attempt that holds no claim number here, and the platform's \
             record lists no number for it: nothing is recorded"
        );
        return Ok(());
    };
    if store.assign(claim_id, attempt, *number).await? {
        tracing::info!(
            claim_id,
            claim_attempt_id = attempt,
            claim_number = number,
            "confirmed the claim number the platform assigned to an attempt this plugin never reserved"
        );
    } else {
        tracing::warn!(
            claim_id,
            claim_attempt_id = attempt,
            claim_number = number,
            "the platform assigned a claim number that another attempt holds here: it is not \
             recorded for this attempt"
        );
    }
    Ok(())
}

/// The record [`claim_number_with`] passes: none.
enum Unrecorded {}

impl PlatformRecord for Unrecorded {
    async fn attempt_outcome(&self, _: &str) -> Result<Outcome, Unanswered> {
        match *self {}
    }
    async fn claim_attempts(
        &self,
        _: &str,
        _: Option<&str>,
        _: bool,
    ) -> Result<AttemptsPage, Unanswered> {
        match *self {}
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
    fn take_over(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<Option<u64>, Error>> + Send {
        (**self).take_over(pool, holder, attempt_id)
    }
    fn take_over_or_reserve(
        &self,
        pool: &ClaimPool<'_>,
        holder: Option<&str>,
        attempt_id: &str,
    ) -> impl Future<Output = Result<u64, Error>> + Send {
        (**self).take_over_or_reserve(pool, holder, attempt_id)
    }
    fn assign(
        &self,
        claim_id: &str,
        attempt_id: &str,
        number: u64,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        (**self).assign(claim_id, attempt_id, number)
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
    fn a_success_the_plugin_never_reserved_is_learned_from_the_record() {
        use crate::platform::{Outcome, Unanswered, UnansweredKind};
        use crate::testing::ScriptedRecord;
        block_on(async {
            let store = MemoryStore::default();
            let record = ScriptedRecord::new().with_page_size(2);
            for (attempt, number) in [("x", 5), ("y", 6), ("z", 1)] {
                record.settle(
                    "c",
                    attempt,
                    Outcome::Succeeded {
                        address: "bb1".into(),
                        claim_number: Some(number),
                    },
                );
            }
            let numbering = Numbering::new();
            let success = |attempt: &str| context("c", attempt, AttemptStatus::Success, false);
            // Found on the second page.
            claim_number_with_record(&store, Some(&record), &success("z"), &numbering)
                .await
                .unwrap();
            assert_eq!(record.list_calls(), 2);
            let z = success("z");
            let pool = numbering.pool(&z);
            assert_eq!(store.preview(&pool).await.unwrap(), 0);
            assert_eq!(store.reserve(&pool, "n0").await.unwrap(), 0);
            assert_eq!(
                store.reserve(&pool, "n2").await.unwrap(),
                2,
                "1 is confirmed"
            );
            // Not listed, or no answer: nothing is recorded.
            claim_number_with_record(&store, Some(&record), &success("w"), &numbering)
                .await
                .unwrap();
            record.refuse_next(Unanswered::new(UnansweredKind::Throttled));
            claim_number_with_record(&store, Some(&record), &success("x"), &numbering)
                .await
                .unwrap();
            assert_eq!(store.reserve(&pool, "n3").await.unwrap(), 3);
            // Without a record, a warning and nothing else.
            claim_number(&store, &success("y")).await.unwrap();
            assert_eq!(store.reserve(&pool, "n4").await.unwrap(), 4);
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
