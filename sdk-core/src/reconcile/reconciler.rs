//! The reconciler: runs check jobs against the platform's record.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::check::unix_millis_now;
use super::claims::{Claims, Plan, Step};
use super::{settle, Check, ReconcileTerms};
use crate::platform::{Outcome, PlatformRecord, Unanswered, UnansweredKind};
use crate::store::{Actions, ClaimNumbers, DueAction, Next};
use crate::{AttemptStatus, Error};

/// What one run of a check came to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checked {
    /// The platform told the outcome, and it was applied ([`settle`]): the
    /// check is done.
    Settled {
        /// The attempt's status: `success` or `failure`.
        status: AttemptStatus,
        /// Whether this run queued the post-claim action (`false` when the
        /// plugin has none, or the status webhook queued it first).
        action_queued: bool,
    },
    /// Check again after `after`.
    Later {
        /// How long to wait.
        after: Duration,
        /// Why there is no outcome yet: the platform's answer, or `None`
        /// when no call was made (too early, or the claim is listed).
        reason: Option<UnansweredKind>,
    },
    /// Past the give-up horizon, the outcome still unknown.
    GaveUp,
}

impl Checked {
    /// What the queue records for the check: `None` when it is done, else
    /// the [`Next`] try (a retry after the wait, or giving up).
    pub fn next(&self) -> Option<Next> {
        match self {
            Self::Settled { .. } => None,
            Self::Later { after, .. } => Some(Next::Retry(*after)),
            Self::GaveUp => Some(Next::GiveUp),
        }
    }

    /// A short description for the queue's record of a try that did not
    /// settle (never an id or a key).
    pub fn describe(&self) -> String {
        match self {
            Self::Settled { status, .. } => format!("settled: {status}"),
            Self::Later {
                reason: Some(reason),
                after,
            } => format!(
                "{}; checked again in {} s",
                Unanswered::new(*reason),
                after.as_secs()
            ),
            Self::Later {
                reason: None,
                after,
            } => {
                format!("not checked yet; checked in {} ms", after.as_millis())
            }
            Self::GaveUp => {
                "the platform's record never told the attempt's outcome; past the give-up horizon"
                    .to_owned()
            }
        }
    }
}

/// Checks attempts with the platform's record until their outcome is
/// known, and applies each outcome to the store ([`settle`]).
///
/// A check is a job in the store's action queue ([`note`](super::note)
/// queues it when the plugin answers); a runner (`claimkit_tokio::Runner`
/// with its reconciler) hands each due check to [`check`](Self::check)
/// and records what it answers: done, or due again after
/// [`Checked::Later`]'s wait. So checks survive a restart, and replicas
/// sharing the store share them.
///
/// Calls to the platform are few:
///
/// - the first check comes [`first_check`](ReconcileTerms::first_check)
///   after the answer (no call before), then as
///   [`ReconcileTerms::next_check`] backs off;
/// - when [`list_from`](ReconcileTerms::list_from) attempts of one claim
///   wait, the claim's attempts are listed (one request a page, one listing
///   at a time, at most every [`list_every`](ReconcileTerms::list_every)),
///   and the outcomes found settle the other checks without a call. A
///   listing that runs oldest first resumes where the last one stopped; one
///   that runs newest first stops past the oldest waiting attempt;
/// - put the record behind a [`Gated`](crate::platform::Gated): a budget,
///   and no call while the platform asked for a wait. A refused check waits
///   what the platform asked, at most
///   [`max_refusal_wait`](ReconcileTerms::max_refusal_wait).
///
/// A late success's check ([`Check::late_success`]) needs the number the
/// platform assigned, which only a listing carries: it is checked at once
/// and always lists its claim (by the same rules of one listing at a
/// time).
///
/// "Not known yet" is never "failed": only a decoded answer of the
/// platform settles an attempt.
///
/// It records [`WAITING`](crate::metrics::RECONCILE_WAITING) (the attempts
/// this process knows to wait) and
/// [`SETTLED`](crate::metrics::RECONCILE_SETTLED) (outcomes applied, by
/// `status`).
///
/// ```
/// use std::time::Duration;
/// use claimkit::platform::Outcome;
/// use claimkit::reconcile::{note, ActionOn, Answered, Checked, ReconcileTerms, Reconciler};
/// use claimkit::store::{ActionTerms, Actions, ClaimNumbers, MemoryStore, Numbering};
/// use claimkit::testing::ScriptedRecord;
/// use claimkit::Context;
/// # futures_executor::block_on(async {
/// let store = std::sync::Arc::new(MemoryStore::default());
/// let record = ScriptedRecord::new();
/// let terms = ReconcileTerms { first_check: Duration::ZERO, ..ReconcileTerms::default() };
/// let reconciler = Reconciler::new(&record, store.clone()).with_terms(terms);
///
/// // The plugin answers an attempt a number, and notes a check.
/// let mut attempt = Context::default();
/// attempt.claim_id = Some("c1".into());
/// attempt.claim_attempt_id = Some("a1".into());
/// let pool = Numbering::new().pool(&attempt);
/// store.reserve(&pool, "a1").await?;
/// note(&*store, &attempt, Answered::ClaimNumber, ActionOn::Never).await?;
///
/// // The platform does not know it yet: checked again later.
/// let due = store.take_due(1, &ActionTerms::default()).await?.remove(0).decode()?;
/// assert!(matches!(reconciler.check(&due).await?, Checked::Later { .. }));
///
/// // It succeeded: the number is confirmed.
/// record.settle("c1", "a1", Outcome::Succeeded { address: "bb1a".into(), claim_number: Some(0) });
/// assert!(matches!(reconciler.check(&due).await?, Checked::Settled { .. }));
/// assert_eq!(store.preview(&pool).await?, 1);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub struct Reconciler<P, S> {
    record: P,
    store: S,
    terms: ReconcileTerms,
    claims: Mutex<Claims>,
}

impl<P, S> fmt::Debug for Reconciler<P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reconciler")
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl<P, S> Reconciler<P, S>
where
    P: PlatformRecord,
    S: ClaimNumbers + Actions,
{
    /// A reconciler reading `record` and settling in `store`, with the
    /// default [`ReconcileTerms`].
    pub fn new(record: P, store: S) -> Self {
        Self {
            record,
            store,
            terms: ReconcileTerms::default(),
            claims: Mutex::new(Claims::default()),
        }
    }

    /// Checks by `terms`.
    pub fn with_terms(mut self, terms: ReconcileTerms) -> Self {
        self.terms = terms;
        self
    }

    /// The terms.
    pub fn terms(&self) -> &ReconcileTerms {
        &self.terms
    }

    /// The record it reads.
    pub fn record(&self) -> &P {
        &self.record
    }

    /// The store it settles in.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// How many attempts this process knows to wait for their outcome.
    pub fn waiting(&self) -> usize {
        self.lock().waiting()
    }

    /// One run of the check `due`, taken from the queue: the outcome found
    /// and applied, or when to check again.
    ///
    /// # Errors
    /// The store's errors while applying an outcome; the check runs again.
    pub async fn check(&self, due: &DueAction<Check>) -> Result<Checked, Error> {
        let check = &due.payload;
        let age = due.age;
        if self.terms.is_spent(age) {
            self.forget(check);
            tracing::warn!(
                attempt = %check.claim_attempt_id,
                "the platform never told this attempt's outcome; its check gives up"
            );
            return Ok(Checked::GaveUp);
        }
        let now = Instant::now();
        self.update(|claims| claims.register(check, now, &self.terms));
        if let Some(outcome) = self.update(|claims| claims.take_known(check)) {
            return self.apply(check, &outcome).await;
        }
        // A late success's outcome is known already: only its number is
        // not, which the claim's listing tells.
        if age < self.terms.first_check && !check.needs_listing() {
            return Ok(Checked::Later {
                after: self.terms.first_check - age,
                reason: None,
            });
        }
        let plan =
            self.update(|claims| claims.plan(check, age, now, unix_millis_now(), &self.terms));
        let asked = match plan {
            Plan::Wait(after) => {
                return Ok(Checked::Later {
                    after,
                    reason: None,
                })
            }
            Plan::Ask => self.record.attempt_outcome(&check.claim_attempt_id).await,
            Plan::List(from) => {
                let listed = self.list(&check.claim_id, from).await;
                match self.update(|claims| claims.take_known(check)) {
                    Some(outcome) => Ok(outcome),
                    None => Err(listed
                        .err()
                        .unwrap_or_else(|| Unanswered::new(UnansweredKind::NotKnownYet))),
                }
            }
        };
        match asked {
            Ok(outcome) => self.apply(check, &outcome).await,
            Err(unanswered) => {
                let after = if unanswered.is_account_wide() {
                    self.terms.after_refusal(unanswered.retry_after())
                } else {
                    self.terms.next_check(age)
                };
                tracing::debug!(
                    attempt = %check.claim_attempt_id,
                    reason = %unanswered,
                    after_s = after.as_secs(),
                    "the attempt's outcome is not known yet"
                );
                Ok(Checked::Later {
                    after,
                    reason: Some(unanswered.kind()),
                })
            }
        }
    }

    /// Lists `claim_id`'s attempts from `from`, page by page, keeping the
    /// outcomes found; the refusal that stopped it, if one did.
    async fn list(&self, claim_id: &str, from: Option<String>) -> Result<(), Unanswered> {
        let mut bookmark = from;
        let mut result = Ok(());
        for _ in 0..self.terms.max_pages.max(1) {
            match self
                .record
                .claim_attempts(claim_id, bookmark.as_deref(), true)
                .await
            {
                Ok(page) => {
                    let step =
                        self.update(|claims| claims.absorb(claim_id, bookmark.as_deref(), page));
                    match step {
                        Step::Next(next) => bookmark = Some(next),
                        Step::Stop => break,
                    }
                }
                Err(unanswered) => {
                    result = Err(unanswered);
                    break;
                }
            }
        }
        self.update(|claims| claims.listed(claim_id));
        result
    }

    /// Applies `outcome` to `check`'s attempt.
    async fn apply(&self, check: &Check, outcome: &Outcome) -> Result<Checked, Error> {
        let action_queued = settle(&self.store, check, outcome).await?;
        self.forget(check);
        let status = outcome.attempt_status();
        metrics::counter!(crate::metrics::RECONCILE_SETTLED, "status" => status.as_str().to_owned())
            .increment(1);
        tracing::info!(
            attempt = %check.claim_attempt_id,
            answered = check.answered.as_str(),
            %status,
            action_queued,
            "the platform told the attempt's outcome"
        );
        Ok(Checked::Settled {
            status,
            action_queued,
        })
    }

    fn forget(&self, check: &Check) {
        self.update(|claims| claims.forget(check));
    }

    /// Runs `f` on the claims, and records the waiting gauge.
    fn update<T>(&self, f: impl FnOnce(&mut Claims) -> T) -> T {
        let mut claims = self.lock();
        let answer = f(&mut claims);
        metrics::gauge!(crate::metrics::RECONCILE_WAITING).set(claims.waiting() as f64);
        answer
    }

    fn lock(&self) -> MutexGuard<'_, Claims> {
        // Every step leaves the claims consistent.
        self.claims.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
