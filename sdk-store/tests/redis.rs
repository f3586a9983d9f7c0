//! The Redis backend against the machine's real server
//! (`CLAIMKIT_TEST_REDIS`), each test under a key prefix of its own.
#![cfg(feature = "redis")]

mod common;

use std::sync::Mutex;
use std::time::Duration;

use claimkit::store::{ClaimNumbers, ClaimPool, ClaimTokens, Deliveries, DeliveryTerms};
use claimkit::testing::conformance::{self, Backend};
use claimkit::ErrorKind;
use claimkit_store::{RedisStore, Store};
use redis::AsyncCommands;

/// Opens stores under prefixes of their own and deletes their keys after.
struct Redis {
    url: String,
    prefixes: Mutex<Vec<String>>,
}

impl Redis {
    fn new() -> Option<Self> {
        Some(Self {
            url: common::server("CLAIMKIT_TEST_REDIS")?,
            prefixes: Mutex::default(),
        })
    }

    async fn open_prefix(&self, prefix: &str) -> RedisStore {
        RedisStore::builder()
            .prefix(prefix)
            .connect(&self.url)
            .await
            .unwrap()
    }

    async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// The keys under `prefix`, and the time to live of each (ms, -1 for
    /// none).
    async fn keys(&self, prefix: &str) -> Vec<(String, i64)> {
        let mut connection = self.connection().await;
        let keys: Vec<String> = connection.keys(format!("{prefix}:*")).await.unwrap();
        let mut out = Vec::new();
        for key in keys {
            let ttl: i64 = connection.pttl(&key).await.unwrap();
            out.push((key, ttl));
        }
        out.sort();
        out
    }

    async fn clean_up(&self) {
        let mut connection = self.connection().await;
        let prefixes: Vec<String> = self.prefixes.lock().unwrap().drain(..).collect();
        for prefix in prefixes {
            let keys: Vec<String> = connection.keys(format!("{prefix}:*")).await.unwrap();
            if !keys.is_empty() {
                let _: () = connection.del(keys).await.unwrap();
            }
        }
    }

    fn track(&self) -> String {
        let prefix = common::unique("ck_store_test");
        self.prefixes.lock().unwrap().push(prefix.clone());
        prefix
    }
}

impl Backend for Redis {
    type Store = RedisStore;

    async fn open(&self) -> RedisStore {
        let prefix = self.track();
        self.open_prefix(&prefix).await
    }

    async fn reopen(&self, store: RedisStore) -> Option<RedisStore> {
        let prefix = store.prefix().to_owned();
        drop(store);
        Some(self.open_prefix(&prefix).await)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_store_conforms() {
    let Some(backend) = Redis::new() else {
        return;
    };
    conformance::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_on_the_redis_store_conforms() {
    let Some(backend) = Redis::new() else {
        return;
    };
    conformance::reconcile::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_action_queue_conforms() {
    let Some(backend) = Redis::new() else {
        return;
    };
    conformance::actions::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_feed_positions_conform() {
    let Some(backend) = Redis::new() else {
        return;
    };
    conformance::feeds::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_claims_keys_share_a_hash_tag_and_what_piles_up_expires() {
    let Some(backend) = Redis::new() else {
        return;
    };
    let prefix = backend.track();
    let store = backend.open_prefix(&prefix).await;
    let pool = ClaimPool {
        claim_id: "claim{1}",
        limit: None,
        hold: Duration::from_secs(60),
    };
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(store.reserve(&pool, "b").await.unwrap(), 1);
    store.release("claim{1}", "a").await.unwrap();
    store
        .issue("attempt", Duration::from_secs(60))
        .await
        .unwrap();
    let terms = DeliveryTerms::default();
    let claimkit::store::Begun::Leased(lease) = store.begin("delivery", &terms).await.unwrap()
    else {
        panic!("a new delivery was not leased");
    };
    store.begin("in-flight", &terms).await.unwrap();
    assert!(store.complete("delivery", &lease, &terms).await.unwrap());

    let keys = backend.keys(&prefix).await;
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let tag = "{claim%7B1%7D}";
    assert_eq!(
        names,
        [
            format!("{prefix}:claim:{tag}:free"),
            format!("{prefix}:claim:{tag}:held"),
            format!("{prefix}:claim:{tag}:next"),
            format!("{prefix}:claim:{tag}:pending"),
            format!("{prefix}:delivery:{{delivery}}"),
            format!("{prefix}:delivery:{{in-flight}}"),
            format!("{prefix}:token:{{attempt}}"),
        ]
    );
    // Tokens and deliveries expire by Redis itself; a claim's keys hold
    // only its numbers, and its reservations expire inside them.
    for (key, ttl) in &keys {
        if key.contains(":claim:") {
            assert_eq!(*ttl, -1, "{key}");
        } else {
            assert!(*ttl > 0, "{key} does not expire");
        }
    }
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_url_and_the_application_connection() {
    let Some(backend) = Redis::new() else {
        return;
    };
    let prefix = backend.track();
    let separator = if backend.url.contains('?') { '&' } else { '?' };
    let store = Store::connect(&format!("{}{separator}prefix={prefix}", backend.url))
        .await
        .unwrap();
    assert!(matches!(store, Store::Redis(_)));
    let token = store
        .issue("attempt", Duration::from_secs(60))
        .await
        .unwrap();
    let manager =
        redis::aio::ConnectionManager::new(redis::Client::open(backend.url.as_str()).unwrap())
            .await
            .unwrap();
    let own = RedisStore::builder()
        .prefix(&prefix)
        .open(manager.clone())
        .unwrap();
    assert_eq!(
        own.issue("attempt", Duration::from_secs(60)).await.unwrap(),
        token
    );
    let err = RedisStore::builder()
        .prefix("a{b}")
        .connect(&backend.url)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    // The application's own connection: an error too, never a panic.
    let err = RedisStore::builder()
        .prefix("a{b}")
        .open(manager)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    // A prefix through a URL is percent-decoded.
    let store = Store::connect(&format!("{}{separator}prefix=a%7Bb%7D", backend.url))
        .await
        .unwrap_err();
    assert_eq!(store.kind(), ErrorKind::InvalidConfig);
    backend.clean_up().await;
}

/// A server that refuses for good (the password, the database) is a
/// configuration error with its reason, never the password, and never
/// "try again later".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_for_good_is_a_configuration_error_with_the_reason() {
    let Some(backend) = Redis::new() else {
        return;
    };
    let mut url = url::Url::parse(&backend.url).unwrap();
    url.set_path("/99999");
    let err = Store::connect(url.as_str()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err:?}");
    assert!(err.message().contains("database"), "{err}");

    let mut url = url::Url::parse(&backend.url).unwrap();
    url.set_password(Some("ck-wrong-hunter2")).unwrap();
    let err = Store::connect(url.as_str()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err:?}");
    assert!(err.message().contains("authenticat"), "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
}
