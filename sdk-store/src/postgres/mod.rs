//! The PostgreSQL backend: shared by replicas, claim numbers never repeat.
//!
//! Laid out as every backend: `store.rs` (the store), `builder.rs` (its
//! options and opening), one file per concept (`claim_numbers.rs`,
//! `claim_tokens.rs`, `deliveries.rs`, `actions.rs`, `feeds.rs`, `purge.rs`,
//! `inspect.rs`),
//! `schema.rs` (its tables), and the statements in `sql/*.sql`, made for
//! one schema by `sql.rs`. Its own: `batch.rs`, one claim's batch of
//! reservations in one call (the group commit is `crate::batch`).

mod actions;
mod batch;
mod builder;
mod claim_numbers;
mod claim_tokens;
mod deliveries;
mod feeds;
mod inspect;
mod purge;
mod schema;
mod sql;
mod store;

pub use builder::PostgresBuilder;
pub use store::PostgresStore;
