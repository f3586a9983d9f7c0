//! The conformance suite through `Store`, on its memory backend.

use std::time::Duration;

use claimkit::testing::conformance::{self, Backend};
use claimkit_store::Store;

struct Memory;

impl Backend for Memory {
    type Store = Store;

    async fn open(&self) -> Store {
        Store::connect("memory:").await.unwrap()
    }

    async fn reopen(&self, _store: Store) -> Option<Store> {
        None
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[tokio::test]
async fn the_memory_store_conforms() {
    conformance::run(&Memory).await;
}

#[tokio::test]
async fn the_memory_action_queue_conforms() {
    conformance::actions::run(&Memory).await;
}

#[tokio::test]
async fn the_memory_feed_positions_conform() {
    conformance::feeds::run(&Memory).await;
}

#[tokio::test]
async fn reconciliation_on_the_memory_store_conforms() {
    conformance::reconcile::run(&Memory).await;
}

#[tokio::test]
async fn unknown_urls_are_refused_without_echoing_them() {
    let err = Store::connect("mysql://root:hunter2@db/app")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig);
    assert!(!err.message().contains("hunter2"));
    assert!(
        err.message().contains("`mysql:`"),
        "the message names the scheme it saw: {err}"
    );
    let err = Store::connect("db.internal/app?password=hunter2")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig);
    assert!(!err.message().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn a_capacity_bounds_the_memory_store() {
    use claimkit::store::{ClaimNumbers, ClaimPool, Numbering};
    let store = Store::connect("memory:?capacity=2").await.unwrap();
    let pool = ClaimPool {
        claim_id: "c",
        limit: None,
        hold: Numbering::DEFAULT_HOLD,
    };
    store.reserve(&pool, "a").await.unwrap();
    store.reserve(&pool, "b").await.unwrap();
    let full = store.reserve(&pool, "c").await.unwrap_err();
    assert_eq!(full.kind(), claimkit::ErrorKind::Unavailable);
    for url in ["memory:?capacity=lots", "memory:?size=2", "memory:x"] {
        let err = Store::connect(url).await.unwrap_err();
        assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig, "{url}");
    }
}
