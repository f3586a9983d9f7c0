//! Every store trait in this process's memory, in the shape of every
//! backend: `store.rs` (the store), `builder.rs` (its options), one file
//! per concept (`claim_numbers.rs`, `claim_tokens.rs`, `deliveries.rs`,
//! `actions.rs`, `feeds.rs`, `purge.rs`, `inspect.rs`), its maps in
//! `schema.rs`.

mod actions;
mod builder;
mod claim_numbers;
mod claim_tokens;
mod deliveries;
mod feeds;
mod inspect;
mod purge;
mod schema;
mod store;
#[cfg(test)]
mod tests;

pub use builder::MemoryBuilder;
pub use store::MemoryStore;
