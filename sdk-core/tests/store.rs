//! The conformance suite on the in-memory store.

use std::time::Duration;

use claimkit::store::MemoryStore;
use claimkit::testing::conformance::{self, Backend};

struct Memory;

impl Backend for Memory {
    type Store = MemoryStore;

    async fn open(&self) -> MemoryStore {
        MemoryStore::default()
    }

    async fn reopen(&self, _store: MemoryStore) -> Option<MemoryStore> {
        None
    }

    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

#[test]
fn the_memory_store_conforms() {
    futures_executor::block_on(conformance::run(&Memory));
}

#[test]
fn the_memory_action_queue_conforms() {
    futures_executor::block_on(conformance::actions::run(&Memory));
}

#[test]
fn reconciliation_on_the_memory_store_conforms() {
    futures_executor::block_on(conformance::reconcile::run(&Memory));
}

#[test]
fn the_memory_feed_positions_conform() {
    futures_executor::block_on(conformance::feeds::run(&Memory));
}
