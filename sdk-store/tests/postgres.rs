//! The PostgreSQL backend against the machine's real server
//! (`CLAIMKIT_TEST_POSTGRES`), each test in a schema of its own.
#![cfg(feature = "postgres")]

mod common;

use std::sync::Mutex;
use std::time::Duration;

use claimkit::store::{ClaimNumbers, ClaimPool, ClaimTokens};
use claimkit::testing::conformance::{self, Backend};
use claimkit::ErrorKind;
use claimkit_store::{PostgresStore, Store};
use sqlx::postgres::PgPoolOptions;
use sqlx::Connection;

/// Opens stores in schemas of their own and drops the schemas after.
struct Postgres {
    url: String,
    schemas: Mutex<Vec<String>>,
}

impl Postgres {
    fn new() -> Option<Self> {
        Some(Self {
            url: common::server("CLAIMKIT_TEST_POSTGRES")?,
            schemas: Mutex::default(),
        })
    }

    async fn open_schema(&self, schema: &str) -> PostgresStore {
        PostgresStore::builder()
            .schema(schema)
            .connect(&self.url)
            .await
            .unwrap()
    }

    async fn clean_up(&self) {
        let pool = PgPoolOptions::new().connect(&self.url).await.unwrap();
        let schemas: Vec<String> = self.schemas.lock().unwrap().drain(..).collect();
        for schema in schemas {
            sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

impl Backend for Postgres {
    type Store = PostgresStore;

    async fn open(&self) -> PostgresStore {
        let schema = common::unique("ck_store_test");
        self.schemas.lock().unwrap().push(schema.clone());
        self.open_schema(&schema).await
    }

    async fn reopen(&self, store: PostgresStore) -> Option<PostgresStore> {
        let schema = store.schema().to_owned();
        store.pool().close().await;
        Some(self.open_schema(&schema).await)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store_conforms() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    conformance::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_on_the_postgres_store_conforms() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    conformance::reconcile::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_action_queue_conforms() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    conformance::actions::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_feed_positions_conform() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    conformance::feeds::run(&backend).await;
    backend.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_at_once_create_the_schema_once() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    let schema = common::unique("ck_store_test");
    backend.schemas.lock().unwrap().push(schema.clone());
    let stores = open_at_once(&backend, &schema).await;
    // Every replica works on the same tables.
    let pool = ClaimPool {
        claim_id: "c",
        limit: None,
        hold: Duration::from_secs(60),
    };
    assert_eq!(stores[0].reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(stores[3].reserve(&pool, "a").await.unwrap(), 0);
    assert_eq!(stores[7].reserve(&pool, "b").await.unwrap(), 1);
    // Opening again changes nothing, and the version table says 6 (the
    // claim tables, the action queue, the batch reservation function, the
    // feed positions, the batch function with take-overs, then its plans
    // made independent of the tables' statistics).
    let again = backend.open_schema(&schema).await;
    assert_eq!(again.preview(&pool).await.unwrap(), 2);
    let version: i32 =
        sqlx::query_scalar(&format!("SELECT version FROM \"{schema}\".schema_version"))
            .fetch_one(again.pool())
            .await
            .unwrap();
    assert_eq!(version, 6);
    backend.clean_up().await;
}

async fn open_at_once(backend: &Postgres, schema: &str) -> Vec<PostgresStore> {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let url = backend.url.clone();
        let schema = schema.to_owned();
        tasks.push(tokio::spawn(async move {
            PostgresStore::builder()
                .schema(schema)
                .connect(&url)
                .await
                .unwrap()
        }));
    }
    let mut stores = Vec::new();
    for task in tasks {
        stores.push(task.await.unwrap());
    }
    stores
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_pool_and_the_store_url() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    let schema = common::unique("ck_store_test");
    backend.schemas.lock().unwrap().push(schema.clone());
    // The application's own pool, in the default schema's place.
    let pool = PgPoolOptions::new().connect(&backend.url).await.unwrap();
    let own = PostgresStore::builder()
        .schema(&schema)
        .open(pool)
        .await
        .unwrap();
    let token = own.issue("attempt", Duration::from_secs(60)).await.unwrap();
    // The same schema through a store URL, percent-encoded.
    let separator = if backend.url.contains('?') { '&' } else { '?' };
    let encoded = schema.replace('_', "%5F");
    let url = format!("{}{separator}schema={encoded}", backend.url);
    let store = Store::connect(&url).await.unwrap();
    assert!(matches!(store, Store::Postgres(_)));
    assert_eq!(
        store
            .issue("attempt", Duration::from_secs(60))
            .await
            .unwrap(),
        token
    );
    let err = PostgresStore::builder()
        .schema("Robert'); DROP TABLE students;--")
        .connect(&backend.url)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    backend.clean_up().await;
}

/// A claim whose lock another session holds: the store is slow, and the
/// caller gets a 503 within the bound instead of waiting. The wait is
/// timed by Tokio's clock, paused for the call (hence `current_thread`):
/// only timers move it, never a loaded machine, so the bound is exact.
#[tokio::test(flavor = "current_thread")]
async fn a_slow_database_answers_503_within_the_bound() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    let schema = common::unique("ck_store_test");
    backend.schemas.lock().unwrap().push(schema.clone());
    let store = PostgresStore::builder()
        .schema(&schema)
        .timeout(Duration::from_millis(800))
        .connect(&backend.url)
        .await
        .unwrap();
    let mut blocker = sqlx::PgConnection::connect(&backend.url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(hashtextextended($1, 0))")
        .bind(format!("claimkit {schema} held"))
        .execute(&mut blocker)
        .await
        .unwrap();
    let pool = ClaimPool {
        claim_id: "held",
        limit: None,
        hold: Duration::from_secs(60),
    };
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let err = store.reserve(&pool, "a").await.unwrap_err();
    let waited = started.elapsed();
    tokio::time::resume();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.status(), 503);
    assert!(
        // Tokio's timers fire at the first millisecond tick at or after
        // their deadline.
        waited <= Duration::from_millis(800 + 1),
        "waited {waited:?} by the runtime's clock"
    );
    // Other claims are served meanwhile, and this one once the lock is gone.
    let other = ClaimPool {
        claim_id: "free",
        ..pool
    };
    assert_eq!(store.reserve(&other, "a").await.unwrap(), 0);
    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut blocker)
        .await
        .unwrap();
    assert_eq!(store.reserve(&pool, "a").await.unwrap(), 0);
    backend.clean_up().await;
}

/// A database that refuses for good (an unknown database or role) is a
/// configuration error with the database's reason, never the password,
/// and never "try again later".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_for_good_is_a_configuration_error_with_the_reason() {
    let Some(backend) = Postgres::new() else {
        return;
    };
    let mut url = url::Url::parse(&backend.url).unwrap();
    url.set_path("/ck_no_such_database");
    url.set_password(Some("hunter2")).unwrap();
    let err = Store::connect(url.as_str()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    assert!(err.message().contains("ck_no_such_database"), "{err}");
    assert!(err.message().contains("does not exist"), "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());

    let mut url = url::Url::parse(&backend.url).unwrap();
    url.set_username("ck_no_such_role").unwrap();
    url.set_password(Some("hunter2")).unwrap();
    let err = PostgresStore::connect(url.as_str()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    assert!(err.message().contains("ck_no_such_role"), "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
}
