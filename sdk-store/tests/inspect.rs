//! Inspection conforms on every backend, through `Store`: memory, SQLite
//! files, and the machine's real PostgreSQL and Redis (each store in a
//! schema or key prefix of its own, dropped after).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use claimkit::testing::conformance::{self, Backend};
use claimkit_store::Store;

/// Stores opened by URL: `url(n)` is the n-th store's.
struct ByUrl<F> {
    url: F,
    opened: AtomicUsize,
    names: Mutex<Vec<String>>,
}

impl<F: Fn(&str) -> String + Sync> ByUrl<F> {
    fn new(url: F) -> Self {
        Self {
            url,
            opened: AtomicUsize::new(0),
            names: Mutex::default(),
        }
    }

    fn names(&self) -> Vec<String> {
        self.names.lock().unwrap().clone()
    }
}

impl<F: Fn(&str) -> String + Sync> Backend for ByUrl<F> {
    type Store = Store;

    async fn open(&self) -> Store {
        let n = self.opened.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}_{n}", common::unique("ck_inspect"));
        self.names.lock().unwrap().push(name.clone());
        Store::connect(&(self.url)(&name)).await.unwrap()
    }

    async fn reopen(&self, _store: Store) -> Option<Store> {
        None
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[tokio::test]
async fn memory_inspection_conforms() {
    conformance::inspect::run(&ByUrl::new(|_: &str| "memory:".to_owned())).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_inspection_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let backend = ByUrl::new(move |name: &str| format!("sqlite:{}", path.join(name).display()));
    conformance::inspect::run(&backend).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_inspection_conforms() {
    let Some(url) = common::server("CLAIMKIT_TEST_POSTGRES") else {
        return;
    };
    let base = url.clone();
    let backend = ByUrl::new(move |name: &str| format!("{base}?schema={name}"));
    conformance::inspect::run(&backend).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for schema in backend.names() {
        sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&pool)
            .await
            .unwrap();
    }
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_inspection_conforms() {
    use redis::AsyncCommands;
    let Some(url) = common::server("CLAIMKIT_TEST_REDIS") else {
        return;
    };
    let base = url.clone();
    let backend = ByUrl::new(move |name: &str| format!("{base}?prefix={name}"));
    conformance::inspect::run(&backend).await;
    let mut connection = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    for prefix in backend.names() {
        let keys: Vec<String> = connection.keys(format!("{prefix}:*")).await.unwrap();
        if !keys.is_empty() {
            let _: () = connection.del(keys).await.unwrap();
        }
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn an_existing_sqlite_store_only_is_opened_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mistyped.db");
    let url = format!("sqlite:{}", path.display());
    let err = Store::connect_existing(&url).await.unwrap_err();
    assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig, "{err}");
    assert!(!path.exists(), "a missing file was created");
    drop(Store::connect(&url).await.unwrap());
    Store::connect_existing(&url).await.unwrap();
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_postgres_store_only_is_opened_when_asked() {
    let Some(base) = common::server("CLAIMKIT_TEST_POSTGRES") else {
        return;
    };
    let schema = common::unique("ck_inspect");
    let url = format!("{base}?schema={schema}");
    let err = Store::connect_existing(&url).await.unwrap_err();
    assert_eq!(err.kind(), claimkit::ErrorKind::InvalidConfig, "{err}");
    let pool = sqlx::PgPool::connect(&base).await.unwrap();
    let created: Option<String> = sqlx::query_scalar(
        "SELECT schema_name::text FROM information_schema.schemata WHERE schema_name = $1",
    )
    .bind(&schema)
    .fetch_optional(&pool)
    .await
    .unwrap();
    assert_eq!(created, None, "a missing schema was created");
    drop(Store::connect(&url).await.unwrap());
    Store::connect_existing(&url).await.unwrap();
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(&pool)
        .await
        .unwrap();
}
