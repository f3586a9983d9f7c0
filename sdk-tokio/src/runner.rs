//! The runner of a store's durable actions.

use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use claimkit::platform::PlatformRecord;
use claimkit::reconcile::{is_check_key, Check, Checked, Reconciler};
use claimkit::store::{
    ActionTerms, Actions, ClaimNumbers, DueAction, Inspect, Next, Purge, DEFAULT_PURGE_EVERY,
};
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tracing::Instrument;

/// Runs a store's due actions, each under a lease it renews while the
/// action runs, retrying failures by the core's [`ActionTerms`] until they
/// succeed or give up.
///
/// Several runners (threads, processes, replicas) may share one store: the
/// store hands each due action to one of them. A runner that crashes stops
/// renewing its leases, and its actions are due again once they expire
/// ([`ActionTerms::lease`], 15 s by default), here or on another replica.
///
/// The action is an async function of a [`DueAction<T>`](DueAction): its
/// key, its payload as the type it was enqueued as (`T`, a serde type:
/// [`StatusAction`](claimkit::store::StatusAction) for status webhooks, or
/// the author's own), and its try number. `Ok` records it done, `Err`
/// (logged) retries it after the backoff, or moves it to the dead state
/// past the give-up horizon. A panic is a failure too, and so is a payload
/// that is not a `T` (an [`ErrorKind::InvalidPayload`](claimkit::ErrorKind)
/// recorded as the try's error, the action not called): retried, so that a
/// replica of another version can still run it, then dead, listed with
/// the reason. Send the action's key as the idempotency key of whatever it
/// calls: delivery is at least once.
///
/// A runner that takes a first try more than
/// [`ActionTerms::STALL_LEASES`] leases after it was queued warns: no
/// runner was running (one built and never started is a compile warning,
/// `#[must_use]`), or too few for the work.
///
/// Each try runs in a `post_claim_action` span with its `key`, `attempt`
/// and `outcome` (`done`, `retry`, `dead`, `interrupted`), and never the
/// payload (it may hold what the author put there).
///
/// Through the [`metrics`](claimkit::metrics) facade, the runner samples
/// the queue's depth ([`Inspect::queue_depth`]: one cheap read) when it
/// starts and every [`DEFAULT_SAMPLE_EVERY`](Self::DEFAULT_SAMPLE_EVERY)
/// (set with [`with_sample_every`](Self::with_sample_every)) as the gauges
/// [`ACTIONS`](claimkit::metrics::ACTIONS) (`due`, `waiting`, `running`,
/// `dead`) and [`ACTIONS_OLDEST_DUE`](claimkit::metrics::ACTIONS_OLDEST_DUE),
/// and counts each failed try it retries in
/// [`ACTION_RETRIES`](claimkit::metrics::ACTION_RETRIES).
///
/// ```
/// use std::time::Duration;
/// use claimkit::store::{enqueue_status_action, DueAction, MemoryStore, StatusAction};
/// use claimkit::{AttemptStatus, Context};
/// use claimkit_tokio::Runner;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), claimkit::Error> {
/// let store = std::sync::Arc::new(MemoryStore::default());
/// let (done, mut sent) = tokio::sync::mpsc::unbounded_channel();
/// let runner = Runner::new(store.clone()).start(move |action: DueAction<StatusAction>| {
///     let done = done.clone();
///     async move {
///         // A real action calls a service, with `action.key` as its
///         // idempotency key.
///         let _ = done.send((action.key, action.payload.claim_attempt_id));
///         Ok::<(), claimkit::Error>(())
///     }
/// });
///
/// // What a status-webhook handler does before it answers 200 {}:
/// let mut webhook = Context::default();
/// webhook.claim_attempt_id = Some("a1".into());
/// webhook.attempt_status = Some(AttemptStatus::Success);
/// enqueue_status_action(&store, &webhook).await?;
///
/// assert_eq!(sent.recv().await, Some(("a1:success".to_owned(), "a1".to_owned())));
/// // On SIGTERM or Ctrl-C:
/// runner.shutdown(Duration::from_secs(10)).await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a runner runs nothing until `.start(..)`: queued actions would stay pending"]
pub struct Runner<S> {
    store: S,
    terms: ActionTerms,
    poll: Duration,
    concurrency: usize,
    purge_every: Duration,
    sample_every: Duration,
    checks: Option<Checks>,
}

/// A reconciler, as the runner calls it.
trait RunCheck: Send + Sync {
    fn run<'a>(
        &'a self,
        due: &'a DueAction<Check>,
    ) -> Pin<Box<dyn Future<Output = Result<Checked, claimkit::Error>> + Send + 'a>>;
}

impl<P, S> RunCheck for Reconciler<P, S>
where
    P: PlatformRecord,
    S: ClaimNumbers + Actions,
{
    fn run<'a>(
        &'a self,
        due: &'a DueAction<Check>,
    ) -> Pin<Box<dyn Future<Output = Result<Checked, claimkit::Error>> + Send + 'a>> {
        Box::pin(self.check(due))
    }
}

/// The reconciler a runner hands its check jobs to.
#[derive(Clone)]
struct Checks(Arc<dyn RunCheck>);

impl fmt::Debug for Checks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reconciler")
    }
}

impl<S> Runner<S>
where
    S: Actions + Purge + Inspect + Clone + 'static,
{
    /// The default pause between two looks at an idle store: 250 ms.
    pub const DEFAULT_POLL: Duration = Duration::from_millis(250);
    /// The default number of actions run at once: 16.
    pub const DEFAULT_CONCURRENCY: usize = 16;
    /// The default time between two samples of the queue's depth for its
    /// gauges: 15 s, a common scrape interval.
    pub const DEFAULT_SAMPLE_EVERY: Duration = Duration::from_secs(15);

    /// A runner of `store`'s actions with the default terms.
    pub fn new(store: S) -> Self {
        Self {
            store,
            terms: ActionTerms::default(),
            poll: Self::DEFAULT_POLL,
            concurrency: Self::DEFAULT_CONCURRENCY,
            purge_every: DEFAULT_PURGE_EVERY,
            sample_every: Self::DEFAULT_SAMPLE_EVERY,
            checks: None,
        }
    }

    /// Runs the queue's check jobs ([`claimkit::reconcile`]: attempts
    /// waiting for the platform's record of their outcome) with
    /// `reconciler`, beside the post-claim actions: a check that settles is
    /// done, one that does not is due again after the wait
    /// [`Checked::Later`] names (logged at `DEBUG`: not knowing yet is no
    /// failure), or dead past its give-up horizon.
    ///
    /// A store whose plugins [`note`](claimkit::reconcile::note) checks
    /// needs a runner with a reconciler: a runner without one takes a check
    /// as an action whose payload is not its type, a failure retried until
    /// it gives up.
    pub fn with_reconciler<P, R>(mut self, reconciler: Arc<Reconciler<P, R>>) -> Self
    where
        P: PlatformRecord + 'static,
        R: ClaimNumbers + Actions + 'static,
    {
        self.checks = Some(Checks(reconciler));
        self
    }

    /// Purges the store ([`Purge`]: expired tokens, deliveries, done and
    /// dead actions) every `every` while it runs, as tower-sessions'
    /// `ExpiredDeletion` is driven; [`DEFAULT_PURGE_EVERY`] (a minute)
    /// unless set.
    pub fn with_purge_every(mut self, every: Duration) -> Self {
        self.purge_every = every.max(Duration::from_millis(1));
        self
    }

    /// Samples the queue's depth for its gauges every `every` (and once at
    /// the start); [`DEFAULT_SAMPLE_EVERY`](Self::DEFAULT_SAMPLE_EVERY)
    /// unless set.
    pub fn with_sample_every(mut self, every: Duration) -> Self {
        self.sample_every = every.max(Duration::from_millis(1));
        self
    }

    /// Leases, retries and gives up by `terms` (use the same terms to
    /// enqueue).
    pub fn with_terms(mut self, terms: ActionTerms) -> Self {
        self.terms = terms;
        self
    }

    /// Looks at an idle store every `poll`.
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// Runs at most `concurrency` actions at once.
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Starts running `action` on every due action, its payload read as
    /// `T`, on the current Tokio runtime, until [`RunnerHandle::shutdown`].
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn start<T, F, Fut, E>(self, action: F) -> RunnerHandle
    where
        T: DeserializeOwned + Send + 'static,
        F: Fn(DueAction<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let (signal, state) = watch::channel(Phase::Running);
        let task = tokio::spawn(self.run(Arc::new(action), state));
        RunnerHandle { signal, task }
    }

    async fn run<T, F, Fut, E>(self, action: Arc<F>, mut phase: watch::Receiver<Phase>)
    where
        T: DeserializeOwned + Send + 'static,
        F: Fn(DueAction<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let mut running = JoinSet::new();
        let mut store_down = false;
        let mut next_purge = tokio::time::Instant::now();
        let mut next_sample = next_purge;
        while *phase.borrow() == Phase::Running {
            if tokio::time::Instant::now() >= next_purge {
                purge(&self.store).await;
                next_purge = tokio::time::Instant::now() + self.purge_every;
            }
            if tokio::time::Instant::now() >= next_sample {
                sample(&self.store).await;
                next_sample = tokio::time::Instant::now() + self.sample_every;
            }
            while running.try_join_next().is_some() {}
            let room = self.concurrency.saturating_sub(running.len());
            let mut full = false;
            if room > 0 {
                match self.store.take_due(room, &self.terms).await {
                    Ok(due) => {
                        if store_down {
                            tracing::info!("the action queue's store answers again");
                            store_down = false;
                        }
                        if let Some(late) = due
                            .iter()
                            .find(|d| self.terms.waited_too_long(d.attempt, d.age))
                        {
                            tracing::warn!(
                                key = %late.key,
                                waited_s = late.age.as_secs(),
                                "a post-claim action waited more than {} leases for its first try: no runner was running, or too few for the work",
                                ActionTerms::STALL_LEASES
                            );
                        }
                        full = due.len() == room;
                        for due in due {
                            match (&self.checks, is_check_key(&due.key)) {
                                (Some(checks), true) => running.spawn(run_check(
                                    self.store.clone(),
                                    self.terms,
                                    due,
                                    checks.clone(),
                                    phase.clone(),
                                )),
                                _ => running.spawn(run_one(
                                    self.store.clone(),
                                    self.terms,
                                    due,
                                    action.clone(),
                                    phase.clone(),
                                )),
                            };
                        }
                    }
                    Err(err) => {
                        if !store_down {
                            tracing::warn!(error = %err, "the action queue's store failed; trying again");
                            store_down = true;
                        }
                    }
                }
            }
            if full {
                continue; // more may be due
            }
            // The next look, or the next sample if it comes first.
            let wake = (tokio::time::Instant::now() + self.poll).min(next_sample);
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                Ok(()) = phase.changed() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
        // Stopping: take nothing more, let the running actions finish.
        let grace = match *phase.borrow() {
            Phase::Stopping(grace) => grace,
            _ => Duration::ZERO,
        };
        let finished = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                running = running.len(),
                "actions still running at shutdown are interrupted; they run again at the next start"
            );
            let _ = tokio::time::timeout(INTERRUPT_GRACE, async {
                // Each running try sees the phase change and records itself
                // as due again.
                while running.join_next().await.is_some() {}
            })
            .await;
            running.abort_all();
        }
    }
}

/// How many expired entries of each kind one purge step forgets.
const PURGE_LIMIT: usize = 1000;
/// The most purge steps in a row, so that a store with a large backlog
/// does not hold the runner from its actions.
const PURGE_ROUNDS: usize = 10;

/// Forgets what `store` keeps past its time, a step at a time while there
/// is more (up to [`PURGE_ROUNDS`] steps).
async fn purge<S: Purge>(store: &S) {
    let mut forgotten = 0;
    for _ in 0..PURGE_ROUNDS {
        match store.purge(PURGE_LIMIT).await {
            Ok(n) => {
                forgotten += n;
                if n < PURGE_LIMIT as u64 {
                    break;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "the store could not be purged; trying again later");
                break;
            }
        }
    }
    tracing::debug!(forgotten, "store purged of expired entries");
}

/// Records the queue's depth in its gauges; a store that fails leaves
/// them as they were (the failure is logged where the runner takes work).
async fn sample<S: Inspect>(store: &S) {
    match store.queue_depth().await {
        Ok(depth) => claimkit::metrics::record_queue_depth(&depth),
        Err(err) => tracing::debug!(error = %err, "the queue's depth could not be read"),
    }
}

/// How long interrupted tries have to record that they are due again.
const INTERRUPT_GRACE: Duration = Duration::from_secs(2);

/// Where a runner is in its life.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Running,
    /// Taking no more work; running actions have this long.
    Stopping(Duration),
    /// The grace is over: running tries stop and record themselves due.
    Interrupt,
}

/// A started [`Runner`]: stop it with [`shutdown`](Self::shutdown).
/// Dropped without it, the runner keeps running as long as the runtime.
#[must_use = "dropping the handle leaves the runner without a clean stop: keep it and call `.shutdown(grace)`"]
pub struct RunnerHandle {
    signal: watch::Sender<Phase>,
    task: JoinHandle<()>,
}

impl RunnerHandle {
    /// Stops taking work, gives running actions up to `grace` to finish,
    /// then interrupts the rest: each is recorded due again (so that the
    /// next start, or another replica, runs it), or, if even that cannot be
    /// recorded, runs again once its lease expires.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.signal.send(Phase::Stopping(grace));
        let interrupt = self.signal.clone();
        let timer = tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            let _ = interrupt.send(Phase::Interrupt);
        });
        let _ = self.task.await;
        timer.abort();
    }
}

impl fmt::Debug for RunnerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunnerHandle").finish_non_exhaustive()
    }
}

/// Runs one try of `due` under its lease, and records its outcome.
async fn run_one<S, T, F, Fut, E>(
    store: S,
    terms: ActionTerms,
    due: DueAction,
    action: Arc<F>,
    mut phase: watch::Receiver<Phase>,
) where
    S: Actions,
    T: DeserializeOwned + Send + 'static,
    F: Fn(DueAction<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + 'static,
{
    let span = tracing::info_span!(
        "post_claim_action",
        key = %due.key,
        attempt = due.attempt,
        outcome = tracing::field::Empty,
    );
    async move {
        let started = tokio::time::Instant::now();
        let outcome = if terms.is_spent(due.attempt, due.age) {
            // Tried before, past the horizon, never recorded: its runner
            // crashed or lost the lease on every try. Recorded as a failure,
            // which past the horizon gives up.
            Err(Failure::Failed(format!(
                "no outcome was recorded for {} tries (the runner crashed or lost its lease); past the give-up horizon",
                due.attempt - 1
            )))
        } else {
            match due.decode::<T>() {
                // Not a `T`: a failed try that never reaches the action.
                Err(err) => Err(Failure::Failed(err.to_string())),
                Ok(typed) => run_leased(&store, &terms, typed, &*action, &mut phase).await,
            }
        };
        let span = tracing::Span::current();
        // The outcome is logged once it is recorded: a `done` line means
        // the store knows.
        let recorded = match &outcome {
            Ok(()) => store.succeed(&due.key, &due.lease, &terms).await,
            Err(Failure::Interrupted) => {
                let now = Next::Retry(Duration::ZERO);
                store
                    .fail(&due.key, &due.lease, now, "interrupted by shutdown", &terms)
                    .await
            }
            Err(Failure::Failed(error)) => {
                let next = terms.after_failure(due.attempt, due.age + started.elapsed());
                let recorded = store.fail(&due.key, &due.lease, next, error, &terms).await;
                match next {
                    Next::Retry(delay) => {
                        claimkit::metrics::action_retried();
                        span.record("outcome", tracing::field::display("retry"));
                        tracing::warn!(error = %error, retry_in_ms = delay.as_millis() as u64, "post-claim action failed; it will be retried");
                    }
                    Next::GiveUp => {
                        span.record("outcome", tracing::field::display("dead"));
                        tracing::error!(error = %error, "post-claim action gave up past its horizon; listed as dead until retried");
                    }
                }
                recorded
            }
        };
        match outcome {
            Ok(()) => {
                span.record("outcome", tracing::field::display("done"));
                tracing::info!("post-claim action done");
            }
            Err(Failure::Interrupted) => {
                span.record("outcome", tracing::field::display("interrupted"));
                tracing::warn!("post-claim action interrupted by shutdown; due again");
            }
            Err(Failure::Failed(_)) => {}
        }
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the action's lease was taken over before its outcome was recorded"),
            Err(err) => tracing::warn!(error = %err, "the action's outcome could not be recorded; it runs again once its lease expires"),
        }
    }
    .instrument(span)
    .await;
}

/// Runs the action on `due`, renewing its lease until it ends or the
/// runner's grace is over.
async fn run_leased<S, T, F, Fut, E>(
    store: &S,
    terms: &ActionTerms,
    due: DueAction<T>,
    action: &F,
    phase: &mut watch::Receiver<Phase>,
) -> Result<(), Failure>
where
    S: Actions,
    F: Fn(DueAction<T>) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + 'static,
{
    let (key, lease) = (due.key.clone(), due.lease.clone());
    match leased(store, terms, &key, &lease, action(due), phase).await? {
        Ok(()) => Ok(()),
        Err(err) => Err(Failure::Failed(err.to_string())),
    }
}

/// Runs `work`, renewing the lease on `key` until it ends or the runner's
/// grace is over.
async fn leased<S, W>(
    store: &S,
    terms: &ActionTerms,
    key: &str,
    lease: &claimkit::store::Lease,
    work: W,
    phase: &mut watch::Receiver<Phase>,
) -> Result<W::Output, Failure>
where
    S: Actions,
    W: Future + Send + 'static,
    W::Output: Send + 'static,
{
    let mut work = tokio::spawn(work.in_current_span());
    let mut renew = tokio::time::interval(terms.renew_every());
    renew.tick().await; // the first tick is now
    loop {
        tokio::select! {
            joined = &mut work => break match joined {
                Ok(output) => Ok(output),
                Err(err) if err.is_panic() => Err(Failure::Failed("the action panicked".to_owned())),
                Err(_) => Err(Failure::Interrupted),
            },
            _ = renew.tick() => match store.renew(key, lease, terms).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!("the action's lease was taken over; another runner may run it too"),
                Err(err) => tracing::warn!(error = %err, "the action's lease could not be renewed"),
            },
            () = interrupted(phase) => {
                work.abort();
                break Err(Failure::Interrupted);
            }
        }
    }
}

/// Runs one check of `due` with the reconciler under its lease, and
/// records what it came to.
async fn run_check<S: Actions>(
    store: S,
    terms: ActionTerms,
    due: DueAction,
    checks: Checks,
    mut phase: watch::Receiver<Phase>,
) {
    let span = tracing::info_span!(
        "reconcile_check",
        key = %due.key,
        attempt = due.attempt,
        outcome = tracing::field::Empty,
    );
    async move {
        let (key, lease) = (due.key.clone(), due.lease.clone());
        let checked = match due.decode::<Check>() {
            Err(err) => Err(Failure::Failed(err.to_string())),
            Ok(typed) => {
                let work = async move { checks.0.run(&typed).await };
                match leased(&store, &terms, &key, &lease, work, &mut phase).await {
                    Ok(Ok(checked)) => Ok(checked),
                    Ok(Err(err)) => Err(Failure::Failed(err.to_string())),
                    Err(failure) => Err(failure),
                }
            }
        };
        let span = tracing::Span::current();
        let recorded = match &checked {
            Ok(checked) => match checked.next() {
                None => {
                    span.record("outcome", tracing::field::display("done"));
                    store.succeed(&key, &lease, &terms).await
                }
                Some(next) => {
                    if next == Next::GiveUp {
                        span.record("outcome", tracing::field::display("dead"));
                    } else {
                        span.record("outcome", tracing::field::display("later"));
                        tracing::debug!(reason = %checked.describe(), "the check runs again later");
                    }
                    store.fail(&key, &lease, next, &checked.describe(), &terms).await
                }
            },
            Err(Failure::Interrupted) => {
                span.record("outcome", tracing::field::display("interrupted"));
                let now = Next::Retry(Duration::ZERO);
                store
                    .fail(&key, &lease, now, "interrupted by shutdown", &terms)
                    .await
            }
            Err(Failure::Failed(error)) => {
                let next = terms.after_failure(due.attempt, due.age);
                if matches!(next, Next::Retry(_)) {
                    claimkit::metrics::action_retried();
                }
                span.record("outcome", tracing::field::display("retry"));
                tracing::warn!(error = %error, "a check failed; it will be retried");
                store.fail(&key, &lease, next, error, &terms).await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the check's lease was taken over before its outcome was recorded"),
            Err(err) => tracing::warn!(error = %err, "the check's outcome could not be recorded; it runs again once its lease expires"),
        }
    }
    .instrument(span)
    .await;
}

/// Resolves once the runner's grace is over (never, if its handle is gone).
async fn interrupted(phase: &mut watch::Receiver<Phase>) {
    if phase.wait_for(|p| *p == Phase::Interrupt).await.is_err() {
        std::future::pending::<()>().await;
    }
}

enum Failure {
    Failed(String),
    Interrupted,
}
