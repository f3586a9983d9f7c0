//! The conformance suite on SQLite files, through `Store` and on
//! `SqliteStore` itself, and what only a file store must do.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use claimkit::store::{ClaimNumbers, ClaimPool, Numbering};
use claimkit::testing::conformance::{self, Backend};
use claimkit::ErrorKind;
use claimkit_store::{SqliteStore, Store};
use tempfile::TempDir;

/// Every store on a file of its own in one temporary directory.
struct Sqlite {
    dir: TempDir,
    opened: AtomicUsize,
}

impl Sqlite {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            opened: AtomicUsize::new(0),
        }
    }

    fn next_file(&self) -> PathBuf {
        let n = self.opened.fetch_add(1, Ordering::Relaxed);
        self.dir.path().join(format!("store-{n}.db"))
    }
}

impl Backend for Sqlite {
    type Store = Store;

    async fn open(&self) -> Store {
        let url = format!("sqlite:{}", self.next_file().display());
        Store::connect(&url).await.unwrap()
    }

    async fn reopen(&self, store: Store) -> Option<Store> {
        let Store::Sqlite(sqlite) = &store else {
            unreachable!("this backend opens SQLite stores")
        };
        let path = sqlite.path().to_owned();
        drop(store);
        Some(Store::Sqlite(SqliteStore::connect(&path).await.unwrap()))
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_store_conforms() {
    conformance::run(&Sqlite::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_action_queue_conforms() {
    conformance::actions::run(&Sqlite::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_feed_positions_conform() {
    conformance::feeds::run(&Sqlite::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_on_the_sqlite_store_conforms() {
    conformance::reconcile::run(&Sqlite::new()).await;
}

#[tokio::test]
async fn the_sqlite_store_conforms_on_one_thread() {
    conformance::run(&Sqlite::new()).await;
}

#[tokio::test]
async fn both_url_forms_open_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("urls.db");
    let pool = ClaimPool {
        claim_id: "c",
        limit: None,
        hold: Numbering::DEFAULT_HOLD,
    };
    let short = Store::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    assert_eq!(short.to_string(), format!("sqlite:{}", path.display()));
    assert_eq!(short.reserve(&pool, "a").await.unwrap(), 0);
    let long = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(long.reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(long.reserve(&pool, "b").await.unwrap(), 1);
    assert_eq!(short.preview(&pool).await.unwrap(), 2);
}

#[tokio::test]
async fn a_missing_path_is_a_configuration_error() {
    for url in ["sqlite:", "sqlite://"] {
        let err = Store::connect(url).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{url}");
    }
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_is_unavailable_without_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("secret-name.db");
    let err = SqliteStore::connect(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.status(), 503);
    assert!(!err.message().contains("secret-name"), "{err}");
}

#[tokio::test]
async fn the_schema_lives_in_its_own_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tables.db");
    let store = SqliteStore::connect(&path).await.unwrap();
    // Opening again (and twice at once) migrates nothing twice.
    let (a, b) = tokio::join!(SqliteStore::connect(&path), SqliteStore::connect(&path));
    a.unwrap();
    b.unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        tables,
        [
            "claimkit_actions",
            "claimkit_claim_numbers",
            "claimkit_claim_tokens",
            "claimkit_deliveries",
            "claimkit_feeds",
            "claimkit_schema"
        ]
    );
    let version: i64 = sqlx::query_scalar("SELECT version FROM claimkit_schema")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(version, 3);
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn the_application_owns_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("app.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::query("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY)")
        .execute(&pool)
        .await
        .unwrap();
    let store = SqliteStore::new(pool.clone()).await.unwrap();
    let claim = ClaimPool {
        claim_id: "c",
        limit: Some(1),
        hold: Numbering::DEFAULT_HOLD,
    };
    assert_eq!(store.reserve(&claim, "a").await.unwrap(), 0);
    assert_eq!(
        store.reserve(&claim, "b").await.unwrap_err().kind(),
        ErrorKind::Exhausted
    );
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(migrations, 0, "the application's migrations are its own");
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let store = SqliteStore::connect(&path).await.unwrap();
    sqlx::query("UPDATE claimkit_schema SET version = 99")
        .execute(store.pool())
        .await
        .unwrap();
    drop(store);
    let err = SqliteStore::connect(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}
