//! The feed of a watched claim's new successes, on the real example
//! binaries, with a mock BitBadges API on loopback (its listing newest
//! first, a page's bookmark naming its last attempt, as the platform's) and
//! a real HTTP sink for the post-claim action: one action per success over
//! several pages, none for failures, nothing twice across a `SIGKILL`, new
//! successes picked up later. Each example's `tests/feed.rs` runs these
//! against its own binary, on every store backend the machine has.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::actions::Sink;
use crate::contract::Server;

/// The plugin secret of every server these checks start.
const SECRET: &str = "feed-secret-2b7d90e4";
/// The API key the mock accepts: never printed by the plugin.
const API_KEY: &str = "feed-api-key-9f3c61a8d2";
/// The claim watched.
const CLAIM: &str = "claim-feed";
/// A minute, in milliseconds: the attempts' spacing.
const MINUTE: u64 = 60_000;
/// When the first attempt was made (UNIX ms).
const BASE: u64 = 1_760_000_000_000;

#[derive(Debug, Default)]
struct Listing {
    /// Each claim's attempts: id, success, attempted at.
    claims: HashMap<String, Vec<(String, bool, u64)>>,
    page_size: usize,
    /// Listing requests, and those without a bookmark (from the head).
    calls: usize,
    from_head: usize,
    /// Requests whose key was not the one expected.
    refused: usize,
}

/// A mock of the BitBadges API's `GET /api/v0/claims/{claimId}/attempts`
/// on loopback, on a thread and runtime of its own.
#[derive(Debug, Clone)]
pub struct MockApi {
    address: SocketAddr,
    listing: Arc<Mutex<Listing>>,
}

impl MockApi {
    /// A mock listing `page_size` attempts a page.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(page_size: usize) -> Self {
        let listing = Arc::new(Mutex::new(Listing {
            page_size,
            ..Listing::default()
        }));
        let app = Router::new()
            .route("/api/v0/claims/{claim_id}/attempts", get(attempts))
            .with_state(listing.clone());
        let address = crate::serve::axum_on_its_own_thread(app);
        Self { address, listing }
    }

    /// The base URL to give the plugin as `BITBADGES_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Records an attempt of `claim`.
    pub fn attempt(&self, claim: &str, id: &str, success: bool, at: u64) {
        self.listing
            .lock()
            .unwrap()
            .claims
            .entry(claim.to_owned())
            .or_default()
            .push((id.to_owned(), success, at));
    }

    /// Listing requests so far, and how many of them started at the head.
    pub fn calls(&self) -> (usize, usize) {
        let listing = self.listing.lock().unwrap();
        (listing.calls, listing.from_head)
    }

    /// Requests refused for a wrong or missing key.
    pub fn refused(&self) -> usize {
        self.listing.lock().unwrap().refused
    }
}

async fn attempts(
    State(listing): State<Arc<Mutex<Listing>>>,
    Path(claim_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut listing = listing.lock().unwrap();
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(API_KEY) {
        listing.refused += 1;
        return answer(
            StatusCode::UNAUTHORIZED,
            &json!({"errorMessage": "Unauthorized"}),
        );
    }
    listing.calls += 1;
    let query: BTreeMap<String, String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let include_errors = query.get("includeErrors").map(String::as_str) == Some("true");
    let bookmark = query.get("bookmark").filter(|b| !b.is_empty());
    if bookmark.is_none() {
        listing.from_head += 1;
    }
    let mut listed: Vec<(usize, &(String, bool, u64))> = listing
        .claims
        .get(&claim_id)
        .map(|attempts| {
            attempts
                .iter()
                .enumerate()
                .filter(|(_, a)| include_errors || a.1)
                .collect()
        })
        .unwrap_or_default();
    // Newest first; among equal times, the latest recorded first.
    listed.sort_by(|(i, a), (j, b)| b.2.cmp(&a.2).then_with(|| j.cmp(i)));
    let start = match bookmark {
        None => 0,
        Some(bookmark) => match listed.iter().position(|(_, a)| &a.0 == bookmark) {
            Some(at) => at + 1,
            None => {
                return answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &json!({"errorMessage": "Invalid bookmark"}),
                )
            }
        },
    };
    let docs: Vec<Value> = listed
        .iter()
        .skip(start)
        .take(listing.page_size)
        .map(|(_, (id, success, at))| {
            let mut doc = json!({
                "claimAttemptId": id,
                "success": success,
                "claimId": claim_id,
                "bitbadgesAddress": format!("bb1{id}"),
                "attemptedAt": at,
            });
            if !success {
                doc["error"] = json!("a plugin refused");
            }
            doc
        })
        .collect();
    // As the platform's indexer: the last doc's id, on every page.
    let bookmark = docs
        .last()
        .map(|doc| doc["claimAttemptId"].clone())
        .unwrap_or(json!(""));
    answer(
        StatusCode::OK,
        &json!({"docs": docs, "bookmark": bookmark, "total": listed.len()}),
    )
}

/// A JSON answer (without axum's `json` feature, which the actix example's
/// tests build without).
fn answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn start(binary: &str, store_url: &str, sink: &Sink, api: &MockApi) -> Server {
    let action_url = sink.url();
    let api_url = api.url();
    Server::start(
        binary,
        &[
            ("PLUGIN_SECRET", SECRET),
            ("STORE_URL", store_url),
            ("ACTION_URL", action_url.as_str()),
            ("BITBADGES_API_KEY", API_KEY),
            ("BITBADGES_API_URL", api_url.as_str()),
            ("WATCH_CLAIMS", CLAIM),
            ("FEED_INTERVAL", "1"),
        ],
    )
}

/// The keys the sink accepted, each with how many times.
fn accepted(sink: &Sink) -> BTreeMap<String, usize> {
    let mut keys = BTreeMap::new();
    for received in sink.received().iter().filter(|r| r.accepted) {
        *keys
            .entry(received.key.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    keys
}

/// Waits until `server` logged `count` finished post-claim actions.
fn wait_for_done(server: &Server, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.lines_with(&["post-claim action done"]) < count {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} post-claim actions done"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A watched claim with several pages of attempts: one action per
/// success, none for failures, each with the webhook's key and body;
/// nothing twice across a `SIGKILL` and restart; new successes picked up
/// later, without listing the whole claim again. The API key is never
/// printed.
pub async fn the_feed_queues_each_new_success_once(binary: &str, store_url: &str) {
    let api = MockApi::start(3);
    let mut successes = BTreeSet::new();
    for i in 0..10u64 {
        let id = format!("feed-{i}");
        let success = i % 3 != 2;
        api.attempt(CLAIM, &id, success, BASE + i * MINUTE);
        if success {
            successes.insert(format!("{id}:success"));
        }
    }
    assert_eq!(successes.len(), 7);
    let sink = Sink::start(0);
    let server = start(binary, store_url, &sink, &api);
    let line = server.wait_for("feed: watching");
    assert!(line.contains(CLAIM), "{line}");
    sink.wait_until("the seven successes", Duration::from_secs(60), |r| {
        r.iter().filter(|r| r.accepted).count() >= 7
    })
    .await;
    wait_for_done(&server, 7);
    assert_eq!(
        accepted(&sink).keys().cloned().collect::<BTreeSet<_>>(),
        successes
    );
    for received in sink.received() {
        let key = received.key.clone().unwrap_or_default();
        let attempt = key.trim_end_matches(":success");
        assert_eq!(
            received.body,
            json!({"claimAttemptId": attempt, "claimId": CLAIM, "status": "success"})
        );
    }
    // A few intervals with nothing new: one page each, nothing queued.
    let (calls, _) = api.calls();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(accepted(&sink).len(), 7);
    let (calls_after, _) = api.calls();
    assert!(calls_after > calls, "the feed stopped listing");
    assert_eq!(server.lines_with(&[API_KEY]), 0, "the API key was printed");
    server.kill();

    // Made while the plugin was down, and after it is back.
    api.attempt(CLAIM, "feed-10", true, BASE + 10 * MINUTE);
    api.attempt(CLAIM, "feed-11", false, BASE + 11 * MINUTE);
    successes.insert("feed-10:success".to_owned());
    let (calls_before_restart, head_before_restart) = api.calls();
    let restarted = start(binary, store_url, &sink, &api);
    restarted.wait_for("feed: watching");
    api.attempt(CLAIM, "feed-12", true, BASE + 12 * MINUTE);
    successes.insert("feed-12:success".to_owned());
    sink.wait_until("the two new successes", Duration::from_secs(60), |r| {
        let keys: BTreeSet<&str> = r
            .iter()
            .filter(|r| r.accepted)
            .filter_map(|r| r.key.as_deref())
            .collect();
        keys.contains("feed-10:success") && keys.contains("feed-12:success")
    })
    .await;
    wait_for_done(&restarted, 2);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let accepted = accepted(&sink);
    assert_eq!(accepted.keys().cloned().collect::<BTreeSet<_>>(), successes);
    assert!(
        accepted.values().all(|&times| times == 1),
        "an action ran twice: {accepted:?}"
    );
    // The restarted feed went on from its place: each round lists from the
    // head down to what it had seen, never the whole claim again (its 9
    // successes are 3 pages and an empty one).
    let (calls, from_head) = api.calls();
    let rounds = from_head - head_before_restart;
    assert!(
        calls - calls_before_restart <= rounds * 3,
        "{} listings in {rounds} rounds",
        calls - calls_before_restart
    );
    assert_eq!(api.refused(), 0, "the API key was not sent");
    assert_eq!(
        restarted.lines_with(&[API_KEY]),
        0,
        "the API key was printed"
    );
}

/// `WATCH_CLAIMS` without `BITBADGES_API_KEY` fails the start, before
/// listening; without `WATCH_CLAIMS` the start-up lines say the feed is
/// off.
pub fn the_feed_needs_the_api(binary: &str) {
    let mut command = Server::command(binary);
    command
        .env("WATCH_CLAIMS", CLAIM)
        .env_remove("BITBADGES_API_KEY");
    let out = command.output().expect("the example runs");
    assert!(!out.status.success(), "started: {out:?}");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("BITBADGES_API_KEY"), "{text}");
    assert!(!text.contains("listening"), "{text}");

    let server = Server::start(binary, &[]);
    server.wait_for("listening on");
    server.wait_for("feed: off");
}
