//! The client against a mock of the BitBadges API on loopback: the routes,
//! methods, headers and bodies it sends, and what it makes of each answer.

use std::collections::VecDeque;
use std::error::Error as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use claimkit_bitbadges::{
    ApiKey, ClaimAttemptsQuery, Client, CreatePlugin, ErrorKind, PluginMetadata, UpdatePlugin,
    VersionUpdate,
};
use serde_json::{json, Value};
use tokio::net::TcpListener;

const KEY: &str = "bb-test-key-7f3a9c";

/// A request as the mock saw it.
#[derive(Debug)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Seen {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// One scripted answer.
struct Answer {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: Vec::new(),
        body: body.to_string(),
    }
}

#[derive(Clone, Default)]
struct Mock {
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
}

impl Mock {
    /// Serves the mock on a free loopback port; a client that sends `KEY`
    /// to it.
    async fn start(answers: impl IntoIterator<Item = Answer>) -> (Self, Client) {
        let mock = Mock::default();
        mock.script.lock().unwrap().extend(answers);
        let app = Router::new().fallback(record).with_state(mock.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = Client::builder(ApiKey::new(KEY).unwrap())
            .with_api_url(format!("http://{address}"))
            .with_timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        (mock, client)
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut self.seen.lock().unwrap())
    }
}

async fn record(State(mock): State<Mock>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap().to_vec();
    mock.seen.lock().unwrap().push(Seen {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    });
    let Some(answer) = mock.script.lock().unwrap().pop_front() else {
        return (StatusCode::IM_A_TEAPOT, "no answer scripted").into_response();
    };
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = answer.status;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    for (name, value) in answer.headers {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

/// A server that accepts connections and never answers, and a client with
/// a 300 ms time-out that calls it.
async fn silent_server() -> (Client, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            sockets.push(socket);
        }
    });
    let client = Client::builder(ApiKey::new(KEY).unwrap())
        .with_api_url(format!("http://{address}"))
        .with_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    (client, held)
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers.get(name).map(|value| value.to_str().unwrap())
}

/// What an error shows of itself, in every form, must not hold the key.
fn assert_no_key(err: &claimkit_bitbadges::Error) {
    let mut shown = format!("{err} {err:?}");
    let mut source = err.source();
    while let Some(cause) = source {
        shown.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
}

#[tokio::test]
async fn attempt_status_is_a_post_with_the_key_and_no_body() {
    let (mock, client) = Mock::start([answer(
        200,
        json!({"success": true, "error": "", "bitbadgesAddress": "bb1alice"}),
    )])
    .await;
    let status = client.get_claim_attempt_status("att/1 ?").await.unwrap();
    assert!(status.success);
    assert_eq!(status.bitbadges_address, "bb1alice");
    assert_eq!(status.code, None);

    let seen = mock.take();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/api/v0/claims/status/att%2F1%20%3F");
    assert_eq!(seen[0].query, None);
    assert_eq!(header(&seen[0], "x-api-key"), Some(KEY));
    assert!(seen[0].body.is_empty());
}

#[tokio::test]
async fn a_failed_attempt_is_a_decoded_answer() {
    let (_mock, client) = Mock::start([answer(
        200,
        json!({"success": false, "error": "Claim number already used: 3",
               "code": "CLAIM_NUMBER_USED", "bitbadgesAddress": "bb1bob"}),
    )])
    .await;
    let status = client.get_claim_attempt_status("att-2").await.unwrap();
    assert!(!status.success);
    assert_eq!(
        status.error.as_deref(),
        Some("Claim number already used: 3")
    );
    assert_eq!(status.code.as_deref(), Some("CLAIM_NUMBER_USED"));
}

#[tokio::test]
async fn attempts_are_listed_page_by_page() {
    let (mock, client) = Mock::start([
        answer(
            200,
            json!({"docs": [
                {"claimAttemptId": "a1", "success": true, "claimNumber": 0, "claimId": "claim-1",
                 "bitbadgesAddress": "bb1a", "attemptedAt": 1765000000000u64},
                {"claimAttemptId": "a2", "success": false, "claimNumber": 1, "claimId": "claim-1",
                 "bitbadgesAddress": "bb1b", "attemptedAt": "1765000000500",
                 "error": "Claim number already used: 1"}
            ], "bookmark": "page-2", "total": 3}),
        ),
        answer(
            200,
            json!({"docs": [
                {"claimAttemptId": "a3", "success": true, "claimNumber": 2, "claimId": "claim-1",
                 "bitbadgesAddress": "bb1c", "attemptedAt": 1765000001000u64}
            ], "bookmark": "", "total": 3}),
        ),
    ])
    .await;

    let mut query = ClaimAttemptsQuery::new().with_errors(true);
    let mut ids = Vec::new();
    loop {
        let page = client.get_claim_attempts("claim-1", &query).await.unwrap();
        assert_eq!(page.total, Some(3));
        ids.extend(page.docs.iter().map(|attempt| {
            (
                attempt.claim_attempt_id.clone(),
                attempt.success,
                attempt.claim_number,
            )
        }));
        match page.next_bookmark() {
            Some(next) => query = query.with_bookmark(next),
            None => break,
        }
    }
    assert_eq!(
        ids,
        [
            ("a1".to_owned(), true, Some(0)),
            ("a2".to_owned(), false, Some(1)),
            ("a3".to_owned(), true, Some(2)),
        ]
    );

    let seen = mock.take();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.method, Method::GET);
        assert_eq!(request.path, "/api/v0/claims/claim-1/attempts");
        assert_eq!(header(request, "x-api-key"), Some(KEY));
        assert!(request.body.is_empty());
    }
    assert_eq!(seen[0].query.as_deref(), Some("includeErrors=true"));
    assert_eq!(
        seen[1].query.as_deref(),
        Some("includeErrors=true&bookmark=page-2")
    );
}

#[tokio::test]
async fn attempts_of_one_address_with_their_data() {
    let (mock, client) = Mock::start([answer(
        200,
        json!({"docs": [
            {"claimAttemptId": "a1", "success": true, "claimNumber": 0, "claimId": "claim-1",
             "bitbadgesAddress": "bb1alice", "attemptedAt": 1765000000000u64,
             "attemptData": {"instance-1": {"code": "WELCOME"}}}
        ]}),
    )])
    .await;
    let query = ClaimAttemptsQuery::new()
        .with_address("bb1alice")
        .with_attempt_data(true);
    let page = client.get_claim_attempts("claim-1", &query).await.unwrap();
    assert_eq!(page.next_bookmark(), None);
    let data = page.docs[0].attempt_data.as_ref().unwrap();
    assert_eq!(data["instance-1"], json!({"code": "WELCOME"}));
    let seen = mock.take();
    assert_eq!(
        seen[0].query.as_deref(),
        Some("includeErrors=false&address=bb1alice&includeRequestBinAttemptData=true")
    );
}

#[tokio::test]
async fn plugin_errors_are_a_get_with_the_plugin_in_the_query() {
    let (mock, client) = Mock::start([answer(
        200,
        json!({"docs": [{"_docId": "e1", "pluginId": "numbers", "timestamp": 1765000000000u64,
                         "error": "Plugin answered 500"}], "bookmark": "b", "total": 1}),
    )])
    .await;
    let page = client
        .get_plugin_errors("numbers", Some("b0"))
        .await
        .unwrap();
    assert_eq!(page.docs[0].error, "Plugin answered 500");
    let seen = mock.take();
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].path, "/api/v0/plugins/errors");
    assert_eq!(
        seen[0].query.as_deref(),
        Some("pluginId=numbers&bookmark=b0")
    );
}

#[tokio::test]
async fn create_and_update_send_their_payloads() {
    let (mock, client) = Mock::start([answer(200, json!({})), answer(200, json!({}))]).await;
    let version = json!({
        "finalized": false, "stateFunctionPreset": "ClaimNumbers", "duplicatesAllowed": false,
        "receiveStatusWebhook": true, "ignoreSimulations": true, "reuseForNonIndexed": false,
        "requiresUserInputs": false,
        "verificationCall": {"uri": "https://plugin.example/numbers", "method": "POST",
                             "hardcodedInputs": [], "passAddress": true, "postProcessingJs": ""}
    });
    let metadata = PluginMetadata {
        name: "Numbers".into(),
        description: "Claim numbers".into(),
        image: "https://plugin.example/logo.png".into(),
        created_by: "bb1author".into(),
        ..PluginMetadata::default()
    };
    client
        .create_plugin(&CreatePlugin::new("numbers", metadata, version.clone()))
        .await
        .unwrap();
    let mut update = UpdatePlugin::new("numbers");
    update.version_updates.push(VersionUpdate {
        version: 1,
        config: json!({"ignoreSimulations": true}),
    });
    update.version_create = Some(version.clone());
    client.update_plugin(&update).await.unwrap();

    let seen = mock.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].method.clone(), seen[0].path.as_str()),
        (Method::POST, "/api/v0/plugins")
    );
    assert_eq!(
        (seen[1].method.clone(), seen[1].path.as_str()),
        (Method::PUT, "/api/v0/plugins")
    );
    for request in &seen {
        assert_eq!(header(request, "x-api-key"), Some(KEY));
        assert_eq!(header(request, "content-type"), Some("application/json"));
    }
    assert_eq!(
        seen[0].json(),
        json!({
            "pluginId": "numbers",
            "metadata": {"name": "Numbers", "description": "Claim numbers",
                         "image": "https://plugin.example/logo.png", "createdBy": "bb1author"},
            "toPublish": false,
            "initialVersion": version
        })
    );
    assert_eq!(
        seen[1].json(),
        json!({
            "pluginId": "numbers",
            "versionUpdates": [{"version": 1, "config": {"ignoreSimulations": true}}],
            "versionCreate": version
        })
    );
}

#[tokio::test]
async fn a_declared_plugin_is_registered_with_its_derived_config() {
    use claimkit::registration::{PluginDeclaration, StateFunctionPreset};

    #[derive(serde::Deserialize, schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Inputs {
        /// Access code
        code: String,
    }

    let config = PluginDeclaration::<Inputs>::new(StateFunctionPreset::ClaimNumbers)
        .user_input("code")
        .version_config("https://plugin.example/numbers")
        .unwrap();
    let (mock, client) = Mock::start([answer(200, json!({}))]).await;
    let metadata = PluginMetadata {
        name: "Numbers".into(),
        description: "Claim numbers".into(),
        image: "https://plugin.example/logo.png".into(),
        created_by: "bb1author".into(),
        ..PluginMetadata::default()
    };
    client
        .create_plugin(&CreatePlugin::new("numbers", metadata, config.clone()))
        .await
        .unwrap();

    let sent = mock.take().remove(0).json();
    assert_eq!(
        sent["initialVersion"],
        serde_json::to_value(&config).unwrap()
    );
    assert_eq!(
        sent["initialVersion"]["stateFunctionPreset"],
        "ClaimNumbers"
    );
    assert_eq!(
        sent["initialVersion"]["verificationCall"]["uri"],
        "https://plugin.example/numbers"
    );
    assert_eq!(sent["initialVersion"]["userInputsSchema"][0]["key"], "code");
}

#[tokio::test]
async fn a_refused_key_is_unauthorized() {
    let (_mock, client) = Mock::start([answer(
        401,
        json!({"errorMessage": format!("Invalid API key {KEY}"), "unauthorized": true}),
    )])
    .await;
    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status(), Some(401));
    assert!(!err.is_temporary());
    // The API echoed the key: it is redacted from the message.
    assert_eq!(err.api_message(), Some("Invalid API key [REDACTED]"));
    assert_no_key(&err);
}

#[tokio::test]
async fn spent_credits_are_out_of_credits() {
    let (_mock, client) =
        Mock::start([answer(402, json!({"errorMessage": "Insufficient credits"}))]).await;
    let err = client
        .get_claim_attempts("claim-1", &ClaimAttemptsQuery::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfCredits);
    assert_eq!(err.status(), Some(402));
    assert_eq!(err.route(), Some("claim_attempts"));
    assert_eq!(err.api_message(), Some("Insufficient credits"));
    assert_no_key(&err);
}

#[tokio::test]
async fn the_rate_limit_carries_retry_after_in_seconds_or_as_a_date() {
    let in_a_minute = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
    let (_mock, client) = Mock::start([
        Answer {
            headers: vec![("retry-after", "17".to_owned())],
            ..answer(429, json!({"errorMessage": "Too many requests"}))
        },
        Answer {
            headers: vec![("retry-after", in_a_minute)],
            ..answer(429, json!({"errorMessage": "Too many requests"}))
        },
        answer(429, json!({"errorMessage": "Too many requests"})),
    ])
    .await;

    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(17)));
    assert!(err.is_temporary());

    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // An HTTP date has a one-second resolution, and the test takes time:
    // generous bounds, never a race with the clock.
    let wait = err.retry_after().expect("a parsed date");
    assert!(
        wait > Duration::from_secs(30) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );

    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), None);
}

#[tokio::test]
async fn server_errors_are_not_known_yet_never_failed() {
    let (_mock, client) = Mock::start([
        answer(500, json!({"errorMessage": "Internal server error"})),
        Answer {
            body: "<html>502 Bad Gateway</html>".to_owned(),
            ..answer(502, Value::Null)
        },
        Answer {
            headers: vec![("retry-after", "5".to_owned())],
            ..answer(503, json!({"errorMessage": "Maintenance"}))
        },
    ])
    .await;
    for status in [500, 502, 503] {
        let err = client.get_claim_attempt_status("a1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotKnownYet, "{status}");
        assert_eq!(err.status(), Some(status));
        assert!(err.is_temporary());
        assert_no_key(&err);
        if status == 503 {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
        }
    }
}

#[tokio::test]
async fn no_doc_found_is_not_known_yet() {
    let (_mock, client) = Mock::start([
        answer(404, json!({"errorMessage": "No doc found"})),
        answer(400, json!({"errorMessage": "No doc found"})),
        answer(400, json!({"errorMessage": "Invalid claim attempt id"})),
    ])
    .await;
    for status in [404, 400] {
        let err = client.get_claim_attempt_status("a1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotKnownYet, "{status}");
        assert_eq!(err.api_message(), Some("No doc found"));
    }
    // Any other refusal is the request's own fault.
    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api_message(), Some("Invalid claim attempt id"));
    assert!(!err.is_temporary());
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape_is_a_decode_error() {
    let (_mock, client) = Mock::start([answer(200, json!({"status": "done"}))]).await;
    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.source().is_some());
}

#[tokio::test]
async fn an_answer_past_the_body_limit_is_refused() {
    let docs: Vec<Value> = (0..200)
        .map(|n| {
            json!({"claimAttemptId": format!("a{n}"), "success": true, "claimNumber": n,
                   "claimId": "c", "bitbadgesAddress": "bb1a", "attemptedAt": 1})
        })
        .collect();
    let (_mock, client) = Mock::start([
        answer(200, json!({ "docs": docs.clone() })),
        answer(200, json!({ "docs": docs })),
    ])
    .await;
    let page = client
        .get_claim_attempts("c", &ClaimAttemptsQuery::new())
        .await
        .unwrap();
    assert_eq!(page.docs.len(), 200);

    let small = Client::builder(ApiKey::new(KEY).unwrap())
        .with_api_url(client.api_url())
        .with_body_limit(1024)
        .build()
        .unwrap();
    let err = small
        .get_claim_attempts("c", &ClaimAttemptsQuery::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("larger than 1024 bytes"), "{err}");
    assert_eq!(err.api_message(), None);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (client, held) = silent_server().await;
    let started = std::time::Instant::now();
    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_temporary());
    assert_eq!(err.status(), None);
    assert!(err.source().is_some());
    assert_no_key(&err);
    // Well under the time a hanging call would take; no tighter bound on a
    // loaded machine.
    assert!(started.elapsed() < Duration::from_secs(15));
    held.abort();
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_with_its_cause() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(ApiKey::new(KEY).unwrap())
        .with_api_url(format!("http://{address}"))
        .build()
        .unwrap();
    let err = client.get_claim_attempt_status("a1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(err.is_temporary());
    let cause = err.source().expect("the transport error");
    assert!(cause.downcast_ref::<reqwest::Error>().is_some());
    assert_no_key(&err);
}

#[test]
fn each_request_is_counted_by_route_and_result() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // The local recorder belongs to this thread: the client runs on a
    // runtime of this thread alone.
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (_mock, client) = Mock::start([
                answer(
                    200,
                    json!({"success": true, "error": "", "bitbadgesAddress": "bb1a"}),
                ),
                answer(404, json!({"errorMessage": "No doc found"})),
                answer(402, json!({"errorMessage": "Insufficient credits"})),
                answer(200, json!({"docs": []})),
            ])
            .await;
            client.get_claim_attempt_status("a1").await.unwrap();
            client.get_claim_attempt_status("a2").await.unwrap_err();
            client.get_claim_attempt_status("a3").await.unwrap_err();
            client
                .get_claim_attempts("c", &ClaimAttemptsQuery::new())
                .await
                .unwrap();
        });
    });

    let mut counters = Vec::new();
    let mut timings = 0;
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        let labels: Vec<String> = key
            .labels()
            .map(|label| format!("{}={}", label.key(), label.value()))
            .collect();
        match value {
            DebugValue::Counter(count) => {
                assert_eq!(key.name(), claimkit_bitbadges::REQUESTS_TOTAL);
                counters.push((labels.join(","), count));
            }
            DebugValue::Histogram(values) => {
                assert_eq!(key.name(), claimkit_bitbadges::REQUEST_DURATION_SECONDS);
                timings += values.len();
            }
            DebugValue::Gauge(_) => panic!("no gauge is recorded"),
        }
    }
    counters.sort();
    assert_eq!(
        counters,
        [
            (
                "route=claim_attempt_status,result=not_known_yet".to_owned(),
                1
            ),
            ("route=claim_attempt_status,result=ok".to_owned(), 1),
            (
                "route=claim_attempt_status,result=out_of_credits".to_owned(),
                1
            ),
            ("route=claim_attempts,result=ok".to_owned(), 1),
        ]
    );
    assert_eq!(timings, 4);
}

// The client as the core's `PlatformRecord`.

mod platform_record {
    use claimkit::platform::{CallGate, CallTerms, Gated, Outcome, PlatformRecord, UnansweredKind};

    use super::*;

    #[tokio::test]
    async fn decoded_answers_are_outcomes() {
        let (mock, client) = Mock::start([
            answer(
                200,
                json!({"success": true, "error": "", "bitbadgesAddress": "bb1alice"}),
            ),
            answer(
                200,
                json!({"success": false, "error": "Claim number already used: 3",
                       "bitbadgesAddress": "bb1bob"}),
            ),
        ])
        .await;
        assert_eq!(
            client.attempt_outcome("a1").await.unwrap(),
            Outcome::Succeeded {
                address: "bb1alice".into(),
                claim_number: None
            }
        );
        assert_eq!(
            client.attempt_outcome("a2").await.unwrap(),
            Outcome::Failed {
                address: "bb1bob".into(),
                reason: Some("Claim number already used: 3".into())
            }
        );
        let seen = mock.take();
        assert_eq!(seen[0].path, "/api/v0/claims/status/a1");
        assert_eq!(seen[1].path, "/api/v0/claims/status/a2");
    }

    #[tokio::test]
    async fn every_other_answer_is_unanswered_never_failed() {
        let (_mock, client) = Mock::start([
            answer(404, json!({"errorMessage": "No doc found"})),
            answer(500, json!({"errorMessage": "boom"})),
            answer(400, json!({"errorMessage": "Invalid id"})),
            answer(200, json!({"unexpected": true})),
            Answer {
                headers: vec![("retry-after", "9".to_owned())],
                ..answer(429, json!({"errorMessage": "Too many requests"}))
            },
            answer(402, json!({"errorMessage": "Insufficient credits"})),
            answer(401, json!({"errorMessage": "Unauthorized"})),
        ])
        .await;
        let expected = [
            (UnansweredKind::NotKnownYet, None),
            (UnansweredKind::NotKnownYet, None),
            (UnansweredKind::NotKnownYet, None),
            (UnansweredKind::NotKnownYet, None),
            (UnansweredKind::Throttled, Some(Duration::from_secs(9))),
            (UnansweredKind::OutOfCredits, None),
            (UnansweredKind::Unauthorized, None),
        ];
        for (kind, retry_after) in expected {
            let unanswered = client.attempt_outcome("a1").await.unwrap_err();
            assert_eq!(unanswered.kind(), kind);
            assert_eq!(unanswered.retry_after(), retry_after);
            assert_eq!(
                unanswered.is_account_wide(),
                kind != UnansweredKind::NotKnownYet
            );
            let cause = unanswered.source().expect("the client's error");
            assert!(cause.downcast_ref::<claimkit_bitbadges::Error>().is_some());
            assert!(!format!("{unanswered} {unanswered:?}").contains(KEY));
        }
    }

    #[tokio::test]
    async fn a_listing_is_a_page_of_outcomes() {
        let (mock, client) = Mock::start([answer(
            200,
            json!({"docs": [
                {"claimAttemptId": "a1", "success": true, "claimNumber": 4, "claimId": "c",
                 "bitbadgesAddress": "bb1a", "attemptedAt": 1765000000000u64},
                {"claimAttemptId": "a2", "success": false, "claimNumber": 5, "claimId": "c",
                 "bitbadgesAddress": "bb1b", "attemptedAt": 1765000000001u64,
                 "error": "Claim number already used: 5"}
            ], "bookmark": "next"}),
        )])
        .await;
        let page = client.claim_attempts("c", None, true).await.unwrap();
        assert_eq!(page.next_bookmark.as_deref(), Some("next"));
        assert_eq!(page.attempts.len(), 2);
        assert_eq!(page.attempts[0].claim_attempt_id, "a1");
        assert_eq!(
            page.attempts[0].outcome,
            Outcome::Succeeded {
                address: "bb1a".into(),
                claim_number: Some(4)
            }
        );
        assert_eq!(page.attempts[0].attempted_at_ms, 1_765_000_000_000);
        assert_eq!(
            page.attempts[1].outcome,
            Outcome::Failed {
                address: "bb1b".into(),
                reason: Some("Claim number already used: 5".into())
            }
        );
        let seen = mock.take();
        assert_eq!(seen[0].path, "/api/v0/claims/c/attempts");
        assert_eq!(seen[0].query.as_deref(), Some("includeErrors=true"));
    }

    #[tokio::test]
    async fn behind_a_gate_429_then_402_then_recovery() {
        let (mock, client) = Mock::start([
            Answer {
                headers: vec![("retry-after", "1".to_owned())],
                ..answer(429, json!({"errorMessage": "Too many requests"}))
            },
            answer(402, json!({"errorMessage": "Insufficient credits"})),
            answer(
                200,
                json!({"success": true, "error": "", "bitbadgesAddress": "bb1alice"}),
            ),
        ])
        .await;
        let gate = CallGate::new(CallTerms {
            first_backoff: Duration::from_millis(200),
            ..CallTerms::default()
        });
        let record = Gated::new(client, gate);

        let throttled = record.attempt_outcome("a1").await.unwrap_err();
        assert_eq!(throttled.kind(), UnansweredKind::Throttled);
        // Held back until Retry-After has passed: no request.
        let held = record.attempt_outcome("a1").await.unwrap_err();
        assert_eq!(held.kind(), UnansweredKind::Throttled);
        assert!(held.retry_after().unwrap() <= Duration::from_secs(1));
        assert_eq!(mock.take().len(), 1);

        tokio::time::sleep(Duration::from_millis(1100)).await;
        let spent = record.attempt_outcome("a1").await.unwrap_err();
        assert_eq!(spent.kind(), UnansweredKind::OutOfCredits);
        let held = record.attempt_outcome("a1").await.unwrap_err();
        assert_eq!(held.kind(), UnansweredKind::OutOfCredits);
        assert_eq!(mock.take().len(), 1);

        // The credits are back; after the backoff, calls resume.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let outcome = record.attempt_outcome("a1").await.unwrap();
        assert!(outcome.is_success());
        let seen = mock.take();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].path, "/api/v0/claims/status/a1");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_not_known_yet() {
        let (client, held) = silent_server().await;
        let unanswered = client.claim_attempts("c", None, true).await.unwrap_err();
        assert_eq!(unanswered.kind(), UnansweredKind::NotKnownYet);
        assert!(!unanswered.is_account_wide());
        held.abort();
    }
}
