//! One table of plugin calls, run against every example server: any
//! difference between the adapters fails a test.
//!
//! [`cases`] is the table (route, method, request, expected status and body
//! shape); [`run`] drives a server at an address through it, in order, and
//! returns what each call answered, so that servers can also be compared
//! with each other.

pub mod actions;
pub mod bitbadges;
pub mod contract;
pub mod dashboard;
pub mod durability;
pub mod feed;
pub mod keep_alive;
pub mod logs;
pub mod metrics;
pub mod platform;
pub mod reconcile;
pub mod registration;
pub mod replay;
pub mod replicas;
pub mod serve;

use std::net::SocketAddr;
use std::time::Duration;

use claimkit::testing::axios_query;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The secret every server under test accepts.
pub const SECRET: &str = "parity-secret-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b";
/// A previous secret, also accepted.
pub const PREVIOUS_SECRET: &str = "parity-previous-secret-0a1b2c3d";
/// The body limit every server under test is configured with.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How a case's request is sent.
#[derive(Debug, Clone)]
pub enum Input {
    /// A JSON body with `content-type: application/json`.
    Json(Value),
    /// A body with the given content type (or none).
    Raw(Vec<u8>, Option<&'static str>),
    /// Parameters in the query string, axios style.
    Query(Value),
    /// Bytes written as they are to the socket, after the request line.
    Wire(String),
}

/// What a case's answer must look like.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `{}`.
    Empty,
    /// `{"claimToken": t}` with `t` non-empty and dot-free.
    Token,
    /// `{"claimNumber": n}`.
    Number(u64),
    /// `{"message": m}` with a non-empty `m`.
    Message,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case checks.
    pub name: &'static str,
    /// The route's path.
    pub route: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The request.
    pub send: Input,
    /// The expected status.
    pub status: u16,
    /// The expected body shape.
    pub shape: Shape,
}

/// What a server answered to a case, with tokens and messages in `body`
/// replaced by `<token>` and `<message>` so that two servers' answers
/// compare equal; the message's text is kept beside it, for servers built
/// from the same core must word it alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
    /// The `allow` header, if any.
    pub allow: Option<String>,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The text of the body's `message`, if any.
    pub message: Option<String>,
}

/// A plugin call's body: context fields plus inputs.
pub fn call(secret: &str, attempt: &str, status: &str, simulation: bool) -> Value {
    json!({
        "pluginSecret": secret,
        "claimId": "claim-parity",
        "claimAttemptId": attempt,
        "_isSimulation": simulation,
        "_attemptStatus": status,
        "createdAt": 1_800_000_000_000_u64,
        "lastUpdated": 1_800_000_000_000_u64,
        "bitbadgesAddress": "bb1zd5dsage58jfrgmsu377pk6w0q5zhc67fn4gsl",
        "code": "WELCOME",
        "tags": ["a", "b"],
        "discord": {"id": "1", "username": "bob"},
    })
}

fn executing(attempt: &str) -> Value {
    call(SECRET, attempt, "executing", false)
}

fn case(
    name: &'static str,
    route: &'static str,
    method: &'static str,
    send: Input,
    status: u16,
    shape: Shape,
) -> Case {
    Case {
        name,
        route,
        method,
        send,
        status,
        shape,
    }
}

/// The legacy 2024-07 body: socials, `cosmosAddress`, hardcoded inputs as
/// `"0": {...}`, no attempt status.
pub fn legacy() -> Value {
    json!({
        "pluginSecret": SECRET,
        "cosmosAddress": "cosmos1zd5dsage58jfrgmsu377pk6w0q5zhc67fn4gsl",
        "claimId": "claim-legacy",
        "_isSimulation": false,
        "lastUpdated": 1722088273192_u64,
        "createdAt": 1722088273192_u64,
        "claimAttemptId": "",
        "isClaimNumberAssigner": false,
        "maxUses": 1,
        "currUses": 0,
        "priorState": null,
        "discord": {"id": "914250137592487976", "username": "bob", "discriminator": "0"},
        "twitter": null,
        "email": "bob@abc.com",
        "0": {"code": "LEGACY-7"},
    })
}

/// The table. Cases run in order against a fresh server: claim numbers
/// depend on what came before.
pub fn cases() -> Vec<Case> {
    use Input::*;
    use Shape::*;
    let mut cases = Vec::new();
    let routes = [
        "/plugins/stateless",
        "/plugins/claim-token",
        "/plugins/claim-number",
        "/plugins/claim-number-with-action",
        "/plugins/status-hook",
    ];

    // Every route refuses the caller's mistakes the same way, on every method.
    for route in routes {
        for method in ["POST", "PUT", "DELETE"] {
            cases.push(case(
                "wrong secret",
                route,
                method,
                Json(call("nope", "x", "executing", false)),
                401,
                Message,
            ));
            cases.push(case(
                "missing secret",
                route,
                method,
                Json(json!({"claimAttemptId": "x"})),
                401,
                Message,
            ));
            cases.push(case(
                "malformed JSON",
                route,
                method,
                Raw(b"{\"pluginSecret\":".to_vec(), Some("application/json")),
                400,
                Message,
            ));
            cases.push(case(
                "not an object",
                route,
                method,
                Raw(b"[1,2]".to_vec(), None),
                400,
                Message,
            ));
            cases.push(case(
                "ill-typed context field",
                route,
                method,
                Json(json!({"pluginSecret": SECRET, "createdAt": "soon"})),
                400,
                Message,
            ));
            cases.push(case(
                "form content type",
                route,
                method,
                Raw(
                    b"pluginSecret=x".to_vec(),
                    Some("application/x-www-form-urlencoded"),
                ),
                415,
                Message,
            ));
            cases.push(case(
                "text content type",
                route,
                method,
                Raw(b"{}".to_vec(), Some("text/plain")),
                415,
                Message,
            ));
            cases.push(case(
                "body over the limit",
                route,
                method,
                Raw(vec![b' '; BODY_LIMIT + 1], Some("application/json")),
                413,
                Message,
            ));
        }
        cases.push(case(
            "wrong secret in a query",
            route,
            "GET",
            Query(call("nope", "x", "executing", false)),
            401,
            Message,
        ));
        cases.push(case(
            "no query",
            route,
            "GET",
            Query(json!({})),
            401,
            Message,
        ));
        cases.push(case(
            "ill-typed query field",
            route,
            "GET",
            Query(json!({"pluginSecret": SECRET, "_isSimulation": "maybe"})),
            400,
            Message,
        ));
        for method in ["PATCH", "HEAD", "OPTIONS"] {
            cases.push(case(
                "method not allowed",
                route,
                method,
                Json(executing("x")),
                405,
                if method == "HEAD" { Empty } else { Message },
            ));
        }
        cases.push(case(
            "numeric version, null identity fields (2026 docs)",
            route,
            "POST",
            Json(platform::call_2026(SECRET)),
            200,
            match route {
                "/plugins/claim-token" => Token,
                // Without an address a simulation only previews; the two
                // number routes share the claim, where the previous-secret
                // simulation below holds 0 for its address by now.
                "/plugins/claim-number" => Number(0),
                "/plugins/claim-number-with-action" => Number(1),
                _ => Empty,
            },
        ));
        cases.push(case(
            "the previous secret",
            route,
            "POST",
            Json(call(PREVIOUS_SECRET, "", "executing", true)),
            200,
            match route {
                "/plugins/claim-token" => Token,
                "/plugins/claim-number" | "/plugins/claim-number-with-action" => Number(0),
                _ => Empty,
            },
        ));
    }

    // Stateless: every method, body and query, every era.
    let stateless = "/plugins/stateless";
    for method in ["POST", "PUT", "DELETE"] {
        cases.push(case(
            "genuine call",
            stateless,
            method,
            Json(executing("s1")),
            200,
            Empty,
        ));
    }
    cases.push(case(
        "axios GET query",
        stateless,
        "GET",
        Query(executing("s1")),
        200,
        Empty,
    ));
    cases.push(case(
        "legacy body",
        stateless,
        "POST",
        Json(legacy()),
        200,
        Empty,
    ));
    cases.push(case(
        "legacy GET query",
        stateless,
        "GET",
        Query(legacy()),
        200,
        Empty,
    ));
    cases.push(case(
        "no content type",
        stateless,
        "POST",
        Raw(executing("s1").to_string().into_bytes(), None),
        200,
        Empty,
    ));
    cases.push(case(
        "JSON with charset",
        stateless,
        "POST",
        Raw(
            executing("s1").to_string().into_bytes(),
            Some("application/json; charset=utf-8"),
        ),
        200,
        Empty,
    ));
    cases.push(case(
        "status webhook",
        stateless,
        "POST",
        Json(call(SECRET, "s1", "success", false)),
        200,
        Empty,
    ));

    // Claim tokens.
    let token = "/plugins/claim-token";
    for method in ["POST", "PUT", "DELETE", "GET"] {
        let send = if method == "GET" {
            Query(executing("t1"))
        } else {
            Json(executing("t1"))
        };
        cases.push(case("executing attempt", token, method, send, 200, Token));
    }
    cases.push(case(
        "simulation",
        token,
        "POST",
        Json(call(SECRET, "", "executing", true)),
        200,
        Token,
    ));
    cases.push(case(
        "success webhook",
        token,
        "POST",
        Json(call(SECRET, "t1", "success", false)),
        200,
        Empty,
    ));
    cases.push(case(
        "failure webhook",
        token,
        "POST",
        Json(call(SECRET, "t1", "failure", false)),
        200,
        Empty,
    ));
    cases.push(case(
        "legacy body",
        token,
        "POST",
        Json(legacy()),
        200,
        Token,
    ));

    // Claim numbers: the pool's whole life. Every call comes from one
    // address: the previous-secret simulation above holds 0 for it, and so
    // does the simulation below, until an attempt of that address takes it.
    let number = "/plugins/claim-number";
    cases.push(case(
        "simulation previews",
        number,
        "POST",
        Json(call(SECRET, "", "executing", true)),
        200,
        Number(0),
    ));
    cases.push(case(
        "first attempt",
        number,
        "POST",
        Json(executing("n1")),
        200,
        Number(0),
    ));
    cases.push(case(
        "retried attempt keeps its number",
        number,
        "PUT",
        Json(executing("n1")),
        200,
        Number(0),
    ));
    cases.push(case(
        "second attempt",
        number,
        "GET",
        Query(executing("n2")),
        200,
        Number(1),
    ));
    cases.push(case(
        "success confirms",
        number,
        "POST",
        Json(call(SECRET, "n1", "success", false)),
        200,
        Empty,
    ));
    cases.push(case(
        "failure releases",
        number,
        "DELETE",
        Json(call(SECRET, "n2", "failure", false)),
        200,
        Empty,
    ));
    cases.push(case(
        "retried failure webhook",
        number,
        "POST",
        Json(call(SECRET, "n2", "failure", false)),
        200,
        Empty,
    ));
    cases.push(case(
        "simulation holds the released number",
        number,
        "GET",
        Query(call(SECRET, "", "executing", true)),
        200,
        Number(1),
    ));
    cases.push(case(
        "the attempt takes its simulation's number",
        number,
        "POST",
        Json(executing("n3")),
        200,
        Number(1),
    ));
    cases.push(case(
        "then the next",
        number,
        "POST",
        Json(executing("n4")),
        200,
        Number(2),
    ));
    // The legacy body's claim (`claim-legacy`, `maxUses: 1`) numbers on its
    // own: its one number is taken for good, then none is left.
    cases.push(case(
        "legacy body takes a number for good",
        number,
        "POST",
        Json(legacy()),
        200,
        Number(0),
    ));
    cases.push(case(
        "no number left below the claim's maxUses",
        number,
        "POST",
        Json(legacy()),
        409,
        Message,
    ));

    // Status hook: `{}` at once, whatever the status.
    let hook = "/plugins/status-hook";
    for (attempt, status, simulation) in [
        ("h1", "executing", false),
        ("h1", "success", false),
        ("h1", "success", false),
        ("h2", "failure", false),
        ("h3", "success", true),
    ] {
        cases.push(case(
            "status hook",
            hook,
            "POST",
            Json(call(SECRET, attempt, status, simulation)),
            200,
            Empty,
        ));
    }
    cases.push(case(
        "status hook by query",
        hook,
        "GET",
        Query(call(SECRET, "h4", "success", false)),
        200,
        Empty,
    ));

    // Hostile framing.
    cases.push(case(
        "chunked body over the limit",
        stateless,
        "POST",
        Wire(chunked(BODY_LIMIT + 10)),
        413,
        Message,
    ));
    cases.push(case(
        "chunked body",
        stateless,
        "POST",
        Wire(chunked_json(&executing("c1"))),
        200,
        Empty,
    ));
    hostile(&mut cases);

    // Webhook routes: only a signed POST gets in.
    for route in ["/webhooks/standard", "/webhooks/claimr"] {
        for method in ["GET", "PUT", "DELETE", "PATCH"] {
            cases.push(case(
                "webhooks take POST only",
                route,
                method,
                Raw(b"{}".to_vec(), Some("application/json")),
                405,
                Message,
            ));
        }
        cases.push(case(
            "an unsigned delivery",
            route,
            "POST",
            Json(json!({"id": "x"})),
            400,
            Message,
        ));
        cases.push(case(
            "a body over the webhook limit",
            route,
            "POST",
            Raw(vec![b' '; 2 * 1024 * 1024], Some("application/json")),
            413,
            Message,
        ));
    }
    cases
}

/// Requests built to hurt: every one gets a `4xx` with `{"message"}` (or
/// passes, where it is genuine), never a panic or a `5xx`.
fn hostile(cases: &mut Vec<Case>) {
    use Input::*;
    use Shape::*;
    let route = "/plugins/stateless";
    let with_secret = |rest: &str| format!("{{\"pluginSecret\":\"{SECRET}\"{rest}}}").into_bytes();
    let raw = |name, body: Vec<u8>, status, shape| {
        case(
            name,
            route,
            "POST",
            Raw(body, Some("application/json")),
            status,
            shape,
        )
    };
    cases.push(case(
        "Content-Length over the limit, body short",
        route,
        "POST",
        Wire("Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{}".to_owned()),
        413,
        Message,
    ));
    cases.push(case(
        "Content-Length shorter than the body",
        route,
        "POST",
        Wire(format!(
            "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{}",
            executing("f1")
        )),
        400,
        Message,
    ));
    let deep = format!(",\"x\":{}{}", "[".repeat(5000), "]".repeat(5000));
    cases.push(raw("deeply nested JSON", with_secret(&deep), 400, Message));
    let deep_objects = format!(",\"x\":{}1{}", "{\"a\":".repeat(3000), "}".repeat(3000));
    cases.push(raw(
        "deeply nested objects",
        with_secret(&deep_objects),
        400,
        Message,
    ));
    cases.push(raw(
        "a number too large for its field",
        with_secret(",\"createdAt\":123456789012345678901234567890"),
        400,
        Message,
    ));
    cases.push(raw(
        "a float overflowing",
        with_secret(",\"createdAt\":1e400"),
        400,
        Message,
    ));
    cases.push(raw(
        "a huge number among the inputs",
        with_secret(",\"n\":1e400"),
        400,
        Message,
    ));
    cases.push(raw(
        "a duplicated pluginSecret",
        with_secret(&format!(",\"pluginSecret\":\"{SECRET}\"")),
        400,
        Message,
    ));
    cases.push(raw(
        "a second pluginSecret that differs",
        with_secret(",\"pluginSecret\":\"attacker\""),
        400,
        Message,
    ));
    let mut invalid_utf8 = with_secret(",\"x\":\"");
    invalid_utf8.truncate(invalid_utf8.len() - 1);
    invalid_utf8.extend_from_slice(b"\xff\xfe\"}");
    cases.push(raw("bytes that are not UTF-8", invalid_utf8, 400, Message));
    cases.push(raw(
        "a NUL in a string",
        with_secret(",\"x\":\"a\\u0000b\""),
        200,
        Empty,
    ));
    cases.push(raw(
        "an escaped pluginSecret key",
        format!("{{\"plugin\\u0053ecret\":\"{SECRET}\"}}").into_bytes(),
        200,
        Empty,
    ));
    cases.push(raw("an empty body", Vec::new(), 400, Message));
    let mut many = serde_json::Map::new();
    many.insert("pluginSecret".into(), json!(SECRET));
    for i in 0..2_000 {
        many.insert(format!("k{i}"), json!(1));
    }
    cases.push(case(
        "too many query parameters",
        route,
        "GET",
        Query(Value::Object(many)),
        400,
        Message,
    ));
    let mut nested = json!("leaf");
    for _ in 0..40 {
        nested = json!({ "a": nested });
    }
    cases.push(case(
        "a query nested too deep",
        route,
        "GET",
        Query(json!({"pluginSecret": SECRET, "x": nested})),
        400,
        Message,
    ));
}

fn chunked(size: usize) -> String {
    let chunk = " ".repeat(4096);
    let mut wire =
        String::from("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    let mut sent = 0;
    while sent < size {
        wire.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
        sent += chunk.len();
    }
    wire.push_str("0\r\n\r\n");
    wire
}

fn chunked_json(body: &Value) -> String {
    let body = body.to_string();
    let (a, b) = body.split_at(body.len() / 2);
    format!(
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
}

/// Sends one case to the server at `address`.
///
/// # Panics
/// When the server cannot be reached or answers something that is not JSON.
pub async fn send(client: &reqwest::Client, address: SocketAddr, case: &Case) -> Answer {
    let url = format!("http://{address}{}", case.route);
    let method = reqwest::Method::from_bytes(case.method.as_bytes()).expect("a valid method");
    let response = match &case.send {
        Input::Wire(rest) => return wire(address, case.method, case.route, rest).await,
        Input::Json(body) => client
            .request(method, &url)
            .header("content-type", "application/json")
            .body(body.to_string()),
        Input::Raw(body, content_type) => {
            let request = client.request(method, &url).body(body.clone());
            match content_type {
                Some(content_type) => request.header("content-type", *content_type),
                None => request,
            }
        }
        Input::Query(params) => client.request(method, format!("{url}?{}", axios_query(params))),
    }
    .send()
    .await
    .unwrap_or_else(|err| panic!("{}: {err}", case.name));
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|value: &reqwest::header::HeaderValue| {
                value.to_str().unwrap_or_default().to_owned()
            })
    };
    let (allow, content_type) = (header("allow"), header("content-type"));
    let bytes = response.bytes().await.expect("a body");
    assert_no_secret(case, &bytes);
    let (body, message) = parse(case, &bytes);
    Answer {
        status,
        body,
        allow,
        content_type,
        message,
    }
}

/// No answer ever carries a configured secret.
fn assert_no_secret(case: &Case, bytes: &[u8]) {
    assert_no_secret_in(case.method, case.route, bytes);
}

fn assert_no_secret_in(method: &str, route: &str, bytes: &[u8]) {
    for secret in [SECRET, PREVIOUS_SECRET] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{method} {route}: an answer carries a secret"
        );
    }
}

/// The normalized body, and the text of its message.
fn parse(case: &Case, bytes: &[u8]) -> (Value, Option<String>) {
    if bytes.is_empty() && case.method == "HEAD" {
        return (json!({}), None);
    }
    let mut body: Value = serde_json::from_slice(bytes).unwrap_or_else(|err| {
        panic!(
            "{}: body is not JSON ({err}): {}",
            case.name,
            String::from_utf8_lossy(bytes)
        )
    });
    if let Some(token) = body.get_mut("claimToken") {
        *token = json!("<token>");
    }
    let text = body
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(message) = body.get_mut("message") {
        // Messages may differ in wording between versions, not in presence.
        if message.as_str().is_some_and(|m| !m.is_empty()) {
            *message = json!("<message>");
        }
    }
    (body, text)
}

/// Writes a request to the socket as it is, for framings a client library
/// will not produce.
async fn wire(address: SocketAddr, method: &str, route: &str, rest: &str) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head =
        format!("{method} {route} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{rest}");
    // The server may answer and close before reading everything.
    let _ = stream.write_all(head.as_bytes()).await;
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw)).await;
    let text = String::from_utf8_lossy(&raw);
    assert_no_secret_in(method, route, &raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    // Only the first answer counts: a server may read what follows a short
    // Content-Length as a second request and answer that too.
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        unchunk(body)
    } else {
        let length = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(body.len());
        body.get(..length).unwrap_or(body).to_owned()
    };
    let mut body: Value = serde_json::from_str(&body)
        .unwrap_or_else(|err| panic!("body is not JSON ({err}): {body:?}"));
    let message = body
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(m) = body.get_mut("message") {
        *m = json!("<message>");
    }
    Answer {
        status,
        body,
        allow: header("allow"),
        content_type: header("content-type"),
        message,
    }
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Checks one answer against its case.
///
/// # Panics
/// When the answer does not match.
pub fn check(case: &Case, answer: &Answer) {
    let what = format!("{} {} ({})", case.method, case.route, case.name);
    assert_eq!(
        answer.status, case.status,
        "{what}: status; body {}",
        answer.body
    );
    match &case.shape {
        Shape::Empty => assert_eq!(answer.body, json!({}), "{what}"),
        Shape::Token => assert_eq!(answer.body, json!({"claimToken": "<token>"}), "{what}"),
        Shape::Number(n) => assert_eq!(answer.body, json!({"claimNumber": n}), "{what}"),
        Shape::Message => assert_eq!(answer.body, json!({"message": "<message>"}), "{what}"),
    }
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/json"),
        "{what}: content type"
    );
    if case.status == 405 {
        let allowed = if case.route.starts_with("/webhooks/") {
            "POST"
        } else {
            "GET, POST, PUT, DELETE"
        };
        assert_eq!(answer.allow.as_deref(), Some(allowed), "{what}: Allow");
    }
}

/// Runs the whole table against the server at `address`, checking every
/// answer, and returns the answers in order.
pub async fn run(address: SocketAddr) -> Vec<Answer> {
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    for case in cases() {
        let answer = send(&client, address, &case).await;
        check(&case, &answer);
        answers.push(answer);
    }
    answers
}
