//! The embedded SQLite backend: one file, WAL, synchronous commits, and
//! concurrent writes committed together.
//!
//! Laid out as every backend: `store.rs` (the store), `builder.rs` (its
//! options and opening), one file per concept (`claim_numbers.rs`,
//! `claim_tokens.rs`, `deliveries.rs`, `actions.rs`, `feeds.rs`, `purge.rs`,
//! `inspect.rs`),
//! `schema.rs` (its tables), and the statements in `sql/*.sql`. Its own:
//! `writer.rs`, the group commit of typed writes, and `statement.rs`, the
//! write of one statement most steps are.

mod actions;
mod builder;
mod claim_numbers;
mod claim_tokens;
mod deliveries;
mod feeds;
mod inspect;
mod purge;
mod reservations;
mod schema;
mod statement;
mod store;
mod writer;

pub use builder::SqliteBuilder;
pub use store::SqliteStore;
