//! The Redis backend: shared by replicas, one Lua script per operation.
//!
//! Laid out as every backend: `store.rs` (the store), `builder.rs` (its
//! options and opening), one file per concept (`claim_numbers.rs`,
//! `claim_tokens.rs`, `deliveries.rs`, `actions.rs`, `feeds.rs`, `purge.rs`,
//! `inspect.rs`),
//! `schema.rs` (its keys), and the scripts in `lua/*.lua`, loaded by
//! `scripts.rs`. Its own: `batch.rs`, one claim's batch of reservations
//! in one script run (the group commit is `crate::batch`).

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
mod scripts;
mod store;

pub use builder::RedisBuilder;
pub use store::RedisStore;
