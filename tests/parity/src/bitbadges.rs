//! A mock of the BitBadges API on loopback, for the example binaries to
//! reconcile with: it knows the attempts a test settles, lists a claim's
//! attempts page by page, refuses when told to (`429`, `402`), and counts
//! the calls (each would cost a credit).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

/// The API key the mock accepts.
pub const API_KEY: &str = "bb-mock-key-51c0d7e2";

#[derive(Debug, Default)]
struct Book {
    /// Each claim's attempts, in the order they were settled.
    claims: HashMap<String, Vec<Value>>,
    /// Each attempt's claim and place.
    attempts: HashMap<String, (String, usize)>,
    /// Every call is refused with this status and `Retry-After` while set.
    refusing: Option<(u16, Option<u64>)>,
    page_size: usize,
    /// How long every call waits before it is answered.
    stall: Duration,
    status_calls: usize,
    list_calls: usize,
    refused: usize,
    wrong_key: usize,
}

/// Calls the mock answered, by route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    /// Attempt-status calls answered (known or not).
    pub status: usize,
    /// Listing calls answered.
    pub list: usize,
    /// Calls refused (`429`, `402`).
    pub refused: usize,
    /// Calls without the right `x-api-key`.
    pub wrong_key: usize,
}

impl Calls {
    /// Every call that reached the mock.
    pub fn total(&self) -> usize {
        self.status + self.list + self.refused + self.wrong_key
    }
}

/// The mock, on a thread and runtime of its own.
#[derive(Debug, Clone)]
pub struct MockApi {
    address: SocketAddr,
    book: Arc<Mutex<Book>>,
}

impl MockApi {
    /// A mock listing `page_size` attempts a page.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(page_size: usize) -> Self {
        let book = Arc::new(Mutex::new(Book {
            page_size: page_size.max(1),
            ..Book::default()
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let state = book.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new().fallback(answer).with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        Self { address, book }
    }

    /// The URL to give the plugin as `BITBADGES_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Records that `attempt` of `claim` ended: succeeded with
    /// `claim_number`, or failed.
    pub fn settle(&self, claim: &str, attempt: &str, success: bool, claim_number: Option<u64>) {
        let mut book = self.book.lock().unwrap();
        let attempted_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let doc = json!({
            "claimAttemptId": attempt,
            "claimId": claim,
            "success": success,
            "claimNumber": claim_number,
            "bitbadgesAddress": format!("bb1{attempt}"),
            "attemptedAt": attempted_at,
            "error": if success { Value::Null } else { json!("another plugin failed") },
        });
        let docs = book.claims.entry(claim.to_owned()).or_default();
        docs.push(doc);
        let place = docs.len() - 1;
        book.attempts
            .insert(attempt.to_owned(), (claim.to_owned(), place));
    }

    /// Refuses every call with `status` (and `Retry-After: retry_after`
    /// seconds) until [`answer_again`](Self::answer_again).
    pub fn refuse(&self, status: u16, retry_after: Option<u64>) {
        self.book.lock().unwrap().refusing = Some((status, retry_after));
    }

    /// Answers calls again.
    pub fn answer_again(&self) {
        self.book.lock().unwrap().refusing = None;
    }

    /// Answers every call only after `stall` (a slow API); calls are
    /// counted when answered.
    pub fn stall(&self, stall: Duration) {
        self.book.lock().unwrap().stall = stall;
    }

    /// The calls so far.
    pub fn calls(&self) -> Calls {
        let book = self.book.lock().unwrap();
        Calls {
            status: book.status_calls,
            list: book.list_calls,
            refused: book.refused,
            wrong_key: book.wrong_key,
        }
    }

    /// Waits (up to `within`) until `done` holds of the calls.
    ///
    /// # Panics
    /// When it does not in time.
    pub async fn wait_until(&self, what: &str, within: Duration, done: impl Fn(&Calls) -> bool) {
        let deadline = Instant::now() + within;
        loop {
            let calls = self.calls();
            if done(&calls) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the mock API never saw {what}: {calls:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn json_response(status: u16, body: &Value, retry_after: Option<u64>) -> Response {
    let mut response = Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json");
    if let Some(seconds) = retry_after {
        response = response.header("retry-after", seconds.to_string());
    }
    response.body(Body::from(body.to_string())).unwrap()
}

async fn answer(State(book): State<Arc<Mutex<Book>>>, request: Request) -> Response {
    let stall = book.lock().unwrap().stall;
    if !stall.is_zero() {
        tokio::time::sleep(stall).await;
    }
    let mut book = book.lock().unwrap();
    let key = request
        .headers()
        .get("x-api-key")
        .and_then(|value| value.to_str().ok());
    if key != Some(API_KEY) {
        book.wrong_key += 1;
        return json_response(401, &json!({"errorMessage": "Unauthorized"}), None);
    }
    if let Some((status, retry_after)) = book.refusing {
        book.refused += 1;
        return json_response(status, &json!({"errorMessage": "refused"}), retry_after);
    }
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let method = request.method().clone();
    if let Some(attempt) = path.strip_prefix("/api/v0/claims/status/") {
        if method != Method::POST && method != Method::GET {
            return json_response(405, &json!({"errorMessage": "method"}), None);
        }
        book.status_calls += 1;
        let Some((claim, place)) = book.attempts.get(attempt).cloned() else {
            return json_response(404, &json!({"errorMessage": "No doc found"}), None);
        };
        let doc = &book.claims[&claim][place];
        return json_response(
            200,
            &json!({
                "success": doc["success"],
                "error": doc["error"].as_str().unwrap_or(""),
                "bitbadgesAddress": doc["bitbadgesAddress"],
            }),
            None,
        );
    }
    if let Some(rest) = path.strip_prefix("/api/v0/claims/") {
        if let Some(claim) = rest.strip_suffix("/attempts") {
            book.list_calls += 1;
            let start = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("bookmark="))
                .and_then(|bookmark| bookmark.parse::<usize>().ok())
                .unwrap_or(0);
            let docs = book.claims.get(claim).cloned().unwrap_or_default();
            let end = (start + book.page_size).min(docs.len());
            let page: Vec<Value> = docs.get(start..end).unwrap_or_default().to_vec();
            let bookmark = if end < docs.len() {
                end.to_string()
            } else {
                String::new()
            };
            return json_response(
                200,
                &json!({"docs": page, "bookmark": bookmark, "total": docs.len()}),
                None,
            );
        }
    }
    json_response(404, &json!({"errorMessage": "no such route"}), None)
}
