//! claimkit-store keeps a plugin's state where it survives a crash: claim
//! numbers, claim tokens, webhook deliveries and the queue of post-claim
//! actions, behind the store traits of [`claimkit::store`].
//!
//! # Design
//!
//! The rules (which number is lowest free, the claim's bound on a
//! preview, when a lease expires, what a duplicate in flight gets, what a
//! failed action becomes, when expired entries are deleted) are claimkit's;
//! each backend here only makes the core's operations atomic on its engine,
//! and every backend passes the core's conformance suite
//! (`claimkit::testing::conformance`).
//!
//! | backend | URL | what it is for |
//! |---|---|---|
//! | [`MemoryStore`](claimkit::store::MemoryStore) | `memory:` | tests, and plugins that may lose their state on a restart |
//! | [`SqliteStore`] | `sqlite:PATH` | one host: a file, durable once a call returns, shared by the processes on that host |
//! | [`PostgresStore`] (feature `postgres`) | `postgres://…?schema=NAME` | replicas on several hosts where a claim number must never repeat, failover included |
//! | [`RedisStore`] (feature `redis`) | `redis://…?prefix=TEXT` | replicas on several hosts that can live with a rare repeat after a Redis failover (Redis replicates asynchronously) |
//!
//! [`Store`] picks a backend from a URL at run time, so that one binary
//! serves with any of them: it is what an application keeps in its
//! router's state. Each backend is also a type of its own, for an
//! application that owns its connection pool ([`SqliteStore::new`],
//! [`PostgresStore::new`], [`RedisStore::new`]).
//!
//! Every SQL backend keeps its state in tables of its own (SQLite:
//! `claimkit_*`, versioned in `claimkit_schema`; PostgreSQL: a schema of its
//! own, `claimkit` by default, versioned in its `schema_version`), created
//! and upgraded by this crate when it opens the store: no migration for the
//! application to run, and none that collides with its own. Redis keys
//! all start with a prefix (`claimkit` by default).
//!
//! **One shape.** Each backend is a folder laid out as every other, and as
//! the core's memory store:
//!
//! ```text
//! sqlite/ postgres/ redis/
//!   mod.rs            declares and re-exports
//!   store.rs          the store type: its connection, its bound on a call
//!   builder.rs        its options (`timeout`, a schema or prefix) and opening; errors, never panics
//!   claim_numbers.rs  ClaimNumbers      claim_tokens.rs  ClaimTokens
//!   deliveries.rs     Deliveries        actions.rs       Actions
//!   feeds.rs          Feeds             purge.rs         Purge
//!   inspect.rs        Inspect (reads only, for `claimkit store`)
//!   schema.rs         its tables (or keys) and their versions
//!   sql/*.sql  or  lua/*.lua            every statement, read with include_str!
//! ```
//!
//! Each has one piece of its own: SQLite's `writer.rs` (one connection
//! writes; every write waiting goes into one transaction and one sync, each
//! a typed job that carries its own reply channel; a transaction's
//! reservations of one claim, staged in `reservations.rs`, are made
//! together) and `statement.rs` (the one-statement write most operations
//! are), PostgreSQL's `sql.rs` (its statements, made for its schema once)
//! and `batch.rs`
//! (one claim's waiting reservations in one call of a function of the
//! schema, under the claim's lock), Redis' `scripts.rs` (each script loaded
//! once, run by `EVALSHA`) and `batch.rs` (one claim's waiting reservations
//! in one script run). The shared stores' group commit of one claim's
//! reservations is `batch.rs` at the top; the rows inspection reads are
//! decoded by one set of rules (`inspect.rs`), and the two SQL backends
//! read them with one reader (`sql_rows.rs`). No module imports one that
//! imports it (`scripts/import-graph.py`).
//!
//! **Reconciliation** needs nothing more of a backend: its checks
//! (`claimkit::reconcile`) are jobs of the same action queue, which confirm
//! or release numbers and queue post-claim actions through the same
//! operations; every backend passes the reconciliation conformance checks
//! too.
//!
//! **The hold.** A reservation is free again once the pool's hold lapses
//! ([`Numbering::with_hold`](claimkit::store::Numbering::with_hold), 24 h
//! by default). With reconciliation, numbers are confirmed or released
//! seconds after the claim ends, and the hold only has to outlast an outage
//! of the BitBadges API (a number confirmed after its hold lapsed is not
//! taken back). With status webhooks alone, it must outlast their retries
//! (1 h, 2 h, 4 h…), and a failed attempt's number waits for its `failure`
//! webhook. With neither, a successful attempt's number is handed out again
//! once the hold lapses, and the platform fails that user's claim.
//!
//! **Expiry** is by the store's own clock (the database's, Redis'), so that
//! replicas with skewed clocks agree: what expired counts as gone at once.
//! Deleting it is one step, [`Purge`](claimkit::store::Purge), which
//! `claimkit_tokio::Runner` drives every minute; Redis expires tokens and
//! deliveries itself, and purges only the queue's done and dead actions.
//!
//! **Failures.** Every backend bounds each call by one setting, its
//! builder's `timeout` ([`DEFAULT_TIMEOUT`], 2 s, unless set): a store that
//! is down or slow fails the call with `503 {"message"}`
//! ([`Error::unavailable`](claimkit::Error::unavailable)), the driver's
//! error as its `source()`, and serves again by itself once it is back. A
//! store that refuses for good at start-up (a failed authentication, an
//! unknown database, an unknown URL scheme) is
//! [`InvalidConfig`](claimkit::ErrorKind::InvalidConfig) with its reason.
//! A value a store never writes (a negative number, an unknown state) is an
//! error, never a default. No message or log holds a connection string's
//! password; store URLs are read with the `url` crate, their `?schema=` and
//! `?prefix=` percent-decoded.
//!
//! # Getting started
//!
//! A claim-number plugin whose claims are followed by an action (a welcome
//! mail, a role on a server): the executing call reserves a number, the
//! `success` webhook confirms it and queues the action, once however often
//! the platform retries, and a runner (`claimkit_tokio::Runner`) runs it
//! from the store after the answer, retrying until it is done. The queue
//! is the one durable road after the answer; see the action queue in
//! [`claimkit::store`].
//!
//! ```
//! use claimkit::store::{claim_number, enqueue_status_action, ActionTerms, Actions, StatusAction};
//! use claimkit::{AttemptStatus, ClaimNumber, Context, Preset};
//! use claimkit_store::Store;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), claimkit::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let url = format!("sqlite:{}", dir.path().join("claimkit.db").display());
//! // In a server: Store::connect(&std::env::var("STORE_URL")?), e.g.
//! // "sqlite:claimkit.db".
//! let store = Store::connect(&url).await?;
//! println!("store: {store}");
//!
//! let mut attempt = Context::default();
//! attempt.claim_id = Some("drop-1".into());
//! attempt.claim_attempt_id = Some("attempt-1".into());
//! assert_eq!(claim_number(&store, &attempt).await?, Preset::ClaimNumber(ClaimNumber::new(0)));
//!
//! // The success webhook confirms the number and queues the action (a
//! // handler checks the status: `enqueue_status_action` queues failures too).
//! attempt.attempt_status = Some(AttemptStatus::Success);
//! claim_number(&store, &attempt).await?;
//! assert!(enqueue_status_action(&store, &attempt).await?.is_some());
//! // The platform's retry of the webhook adds nothing.
//! assert!(enqueue_status_action(&store, &attempt).await?.is_none());
//!
//! // What the runner takes from the store, typed:
//! let due = store.take_due(10, &ActionTerms::default()).await?;
//! assert_eq!(due.len(), 1);
//! let due = due[0].decode::<StatusAction>()?;
//! assert_eq!((due.key.as_str(), due.payload.claim_id.as_str()), ("attempt-1:success", "drop-1"));
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `sqlite` | yes | [`SqliteStore`] and `sqlite:` URLs: SQLite on `sqlx`, compiled in (no system library, no database at build time) |
//! | `postgres` | no | [`PostgresStore`] and `postgres://` URLs: shared by replicas, claim numbers never repeat |
//! | `redis` | no | [`RedisStore`] and `redis://` URLs: shared by replicas, replicated asynchronously |
//!
//! docs.rs builds these pages with every feature; a local build shows only
//! the features it was built with. To read them all, as docs.rs shows them:
//! `cargo doc -p claimkit-store --all-features --no-deps --open`. A backend
//! whose feature is off has no page, and its links here lead to this
//! table.
//!
#![cfg_attr(
    not(feature = "sqlite"),
    doc = "[`SqliteStore`]: #crate-features\n[`SqliteStore::new`]: #crate-features"
)]
#![cfg_attr(
    not(feature = "postgres"),
    doc = "[`PostgresStore`]: #crate-features\n[`PostgresStore::new`]: #crate-features\n[`PostgresBuilder::timeout`]: #crate-features"
)]
#![cfg_attr(
    not(feature = "redis"),
    doc = "[`RedisStore`]: #crate-features\n[`RedisStore::new`]: #crate-features\n[`RedisBuilder::timeout`]: #crate-features"
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "postgres", feature = "redis"))]
mod batch;
mod inspect;
mod metered;
mod ping;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_rows;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod unavailable;
mod url;

#[cfg(feature = "postgres")]
pub use postgres::{PostgresBuilder, PostgresStore};
#[cfg(feature = "redis")]
pub use redis::{RedisBuilder, RedisStore};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteBuilder, SqliteStore};
pub use store::Store;
pub use unavailable::DEFAULT_TIMEOUT;
