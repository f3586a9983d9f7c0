//! Store operations counted and timed once, for every backend: what
//! [`Store`](crate::Store) records around each call it hands to its backend
//! ([`STORE_OPERATIONS`] by `backend`, `operation` and `outcome`, and
//! [`STORE_DURATION`] by `backend` and `operation`).
//!
//! The handles of the common case (an operation that succeeds) are taken
//! from the installed recorder at a store's first call of each operation
//! and kept: an application installs its exporter before its first store
//! call (at start-up, as exporters ask). An error's count is looked up
//! when it happens.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Instant;

use claimkit::metrics::{store_outcome, STORE_DURATION, STORE_OPERATIONS};
use claimkit::Error;

/// A backend, as the `backend` label names it
/// ([`BACKENDS`](claimkit::metrics::BACKENDS)).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend {
    Memory,
    #[cfg(feature = "sqlite")]
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
    #[cfg(feature = "redis")]
    Redis,
}

/// How many backends the handle table has room for.
const BACKENDS: usize = 4;

impl Backend {
    const fn name(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            #[cfg(feature = "sqlite")]
            Self::Sqlite => "sqlite",
            #[cfg(feature = "postgres")]
            Self::Postgres => "postgres",
            #[cfg(feature = "redis")]
            Self::Redis => "redis",
        }
    }

    const fn index(self) -> usize {
        match self {
            Self::Memory => 0,
            #[cfg(feature = "sqlite")]
            Self::Sqlite => 1,
            #[cfg(feature = "postgres")]
            Self::Postgres => 2,
            #[cfg(feature = "redis")]
            Self::Redis => 3,
        }
    }
}

/// The operations, each named as the store trait's method it is.
macro_rules! operations {
    ($($op:ident => $name:literal,)*) => {
        /// A store operation, as the `operation` label names it.
        #[derive(Debug, Clone, Copy)]
        pub(crate) enum Op {
            $($op,)*
        }

        impl Op {
            /// Every operation's name, in the order of [`Op`].
            pub(crate) const NAMES: &[&str] = &[$($name,)*];

            const fn name(self) -> &'static str {
                Self::NAMES[self as usize]
            }
        }
    };
}

operations! {
    Reserve => "reserve",
    LowestFree => "lowest_free",
    Confirm => "confirm",
    Release => "release",
    TakeOver => "take_over",
    TakeOverOrReserve => "take_over_or_reserve",
    Assign => "assign",
    Purge => "purge",
    Issue => "issue",
    TakeOverToken => "take_over_token",
    Begin => "begin",
    Complete => "complete",
    Abandon => "abandon",
    Enqueue => "enqueue",
    TakeDue => "take_due",
    Renew => "renew",
    Succeed => "succeed",
    Fail => "fail",
    Dead => "dead",
    Retry => "retry",
    FeedPosition => "feed_position",
    AdvanceFeed => "advance_feed",
    Actions => "actions",
    Action => "action",
    ClaimUse => "claim_use",
    HeldNumber => "held_number",
    Token => "token",
    Delivery => "delivery",
    QueueDepth => "queue_depth",
}

const OPS: usize = Op::NAMES.len();

/// The handles of one backend's operation that succeeds.
struct Handles {
    ok: metrics::Counter,
    duration: metrics::Histogram,
}

/// The handles, taken at each operation's first call.
static HANDLES: [[OnceLock<Handles>; OPS]; BACKENDS] =
    [const { [const { OnceLock::new() }; OPS] }; BACKENDS];

fn handles(backend: Backend, op: Op) -> &'static Handles {
    HANDLES[backend.index()][op as usize].get_or_init(|| Handles {
        ok: metrics::counter!(
            STORE_OPERATIONS,
            "backend" => backend.name(),
            "operation" => op.name(),
            "outcome" => "ok"
        ),
        duration: metrics::histogram!(
            STORE_DURATION,
            "backend" => backend.name(),
            "operation" => op.name()
        ),
    })
}

/// Runs `call`, the operation `op` on `backend`, and records its outcome
/// and how long it took.
pub(crate) async fn measured<T>(
    backend: Backend,
    op: Op,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let started = Instant::now();
    let result = call.await;
    let handles = handles(backend, op);
    handles.duration.record(started.elapsed());
    match &result {
        Ok(_) => handles.ok.increment(1),
        Err(err) => metrics::counter!(
            STORE_OPERATIONS,
            "backend" => backend.name(),
            "operation" => op.name(),
            "outcome" => store_outcome(Some(err.kind()))
        )
        .increment(1),
    }
    result
}

/// Calls `$call` (a future of the backend inside `$store`, bound to
/// `$backend`) as the operation `Op::$op`, counted and timed.
///
/// The shared backends' futures are boxed: `sqlx`'s and `redis`' are
/// hundreds of bytes to kilobytes, and without a box every future that
/// awaits a `Store` operation (a handler's, the core's
/// `claim_number_with`) carries the largest of them, copied whole each
/// time it is moved, about 10,000 instructions a call on the claim-number
/// route (BENCHMARKS.md). The memory store's are a few dozen bytes and
/// are not boxed.
macro_rules! metered {
    ($store:expr, $op:ident, $backend:ident => $call:expr) => {{
        use $crate::metered::{measured, Backend, Op};
        match $store {
            Store::Memory($backend) => measured(Backend::Memory, Op::$op, $call).await,
            #[cfg(feature = "sqlite")]
            Store::Sqlite($backend) => Box::pin(measured(Backend::Sqlite, Op::$op, $call)).await,
            #[cfg(feature = "postgres")]
            Store::Postgres($backend) => {
                Box::pin(measured(Backend::Postgres, Op::$op, $call)).await
            }
            #[cfg(feature = "redis")]
            Store::Redis($backend) => Box::pin(measured(Backend::Redis, Op::$op, $call)).await,
        }
    }};
}

pub(crate) use metered;
