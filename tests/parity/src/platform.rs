//! The 2026 platform against a running server: the developer portal's CORS
//! preflight, signed requests in each mode, and the 2026 body.

use std::net::SocketAddr;

use claimkit::signature::SignatureMode;
use claimkit::testing::{now_millis, sign_request};
use serde_json::{json, Value};

use crate::{PREVIOUS_SECRET, SECRET};

/// The plugin routes of every example server.
pub const PLUGIN_ROUTES: [&str; 5] = [
    "/plugins/stateless",
    "/plugins/claim-token",
    "/plugins/claim-number",
    "/plugins/claim-number-with-action",
    "/plugins/status-hook",
];

/// A simulation as the 2026 docs show it: `version` a number, `instanceId`,
/// and `null` identity fields for a plugin not passed addresses.
pub fn call_2026(secret: &str) -> Value {
    json!({
        "pluginSecret": secret,
        "claimId": "claim-parity",
        "claimAttemptId": "",
        "instanceId": "instance-1",
        "_isSimulation": true,
        "_attemptStatus": "executing",
        "version": 0,
        "createdAt": 1_800_000_000_000_u64,
        "lastUpdated": 1_800_000_000_000_u64,
        "bitbadgesAddress": null,
        "ethAddress": null,
        "isAddressSignedIn": null,
        "locale": "en",
    })
}

/// The CORS headers of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsAnswer {
    /// The status code.
    pub status: u16,
    /// `access-control-allow-origin`.
    pub allow_origin: Option<String>,
    /// `access-control-allow-methods`, lowercased.
    pub allow_methods: Option<String>,
    /// `access-control-allow-headers`, lowercased.
    pub allow_headers: Option<String>,
}

async fn cors_answer(request: reqwest::RequestBuilder) -> CorsAnswer {
    let response = request.send().await.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    CorsAnswer {
        status: response.status().as_u16(),
        allow_origin: header("access-control-allow-origin"),
        allow_methods: header("access-control-allow-methods"),
        allow_headers: header("access-control-allow-headers"),
    }
}

/// The portal's preflight (`OPTIONS`, `POST`, `Content-Type` and the
/// `X-BitBadges-*` headers) from `origin`.
pub async fn preflight(address: SocketAddr, route: &str, origin: &str) -> CorsAnswer {
    let request = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("http://{address}{route}"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-bitbadges-signature,x-bitbadges-timestamp,x-bitbadges-version",
        );
    cors_answer(request).await
}

/// A simulation posted from `origin`, as the portal's test button does.
pub async fn post_from(address: SocketAddr, route: &str, origin: &str) -> CorsAnswer {
    let request = reqwest::Client::new()
        .post(format!("http://{address}{route}"))
        .header("origin", origin)
        .header("content-type", "application/json")
        .body(call_2026(SECRET).to_string());
    cors_answer(request).await
}

/// Checks every plugin route: `allowed` gets the preflight and marked
/// answers, `other` neither.
///
/// # Panics
/// When an answer is not so.
pub async fn check_cors(address: SocketAddr, allowed: &str, other: &str) {
    for route in PLUGIN_ROUTES {
        let answer = preflight(address, route, allowed).await;
        assert_eq!(answer.status, 200, "{route}: preflight from {allowed}");
        assert_eq!(answer.allow_origin.as_deref(), Some(allowed), "{route}");
        let methods = answer.allow_methods.unwrap_or_default();
        for method in ["get", "post", "put", "delete"] {
            assert!(methods.contains(method), "{route}: {methods}");
        }
        let headers = answer.allow_headers.unwrap_or_default();
        for name in [
            "content-type",
            "x-bitbadges-signature",
            "x-bitbadges-timestamp",
            "x-bitbadges-version",
        ] {
            assert!(headers.contains(name), "{route}: {headers}");
        }
        // Without `access-control-allow-origin` a browser is granted nothing
        // (tower-http still lists its methods; actix-cors answers 400).
        let refused = preflight(address, route, other).await;
        assert_eq!(
            refused.allow_origin, None,
            "{route}: preflight from {other}"
        );

        let marked = post_from(address, route, allowed).await;
        assert_eq!(marked.status, 200, "{route}: POST from {allowed}");
        assert_eq!(marked.allow_origin.as_deref(), Some(allowed), "{route}");
        let unmarked = post_from(address, route, other).await;
        assert_eq!(unmarked.status, 200, "{route}: POST from {other}");
        assert_eq!(unmarked.allow_origin, None, "{route}: POST from {other}");
    }
}

/// Posts `body` to `route` with `headers`; the status and `message`.
pub async fn post_signed(
    address: SocketAddr,
    route: &str,
    body: &[u8],
    headers: &[(String, String)],
) -> (u16, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(format!("http://{address}{route}"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    let body: Value = serde_json::from_slice(&bytes).expect("a JSON answer");
    (
        status,
        body.get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
    )
}

/// Header names and values.
type Headers = Vec<(String, String)>;

/// Checks the server's answers to signed, unsigned and badly signed calls
/// against what `mode` promises, on every plugin route.
///
/// # Panics
/// When an answer is not so.
pub async fn check_signatures(address: SocketAddr, mode: SignatureMode) {
    let body = call_2026(SECRET).to_string().into_bytes();
    let now = now_millis();
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let valid = sign_request(SECRET, now, &body);
    let cases: [(&str, Vec<u8>, Headers); 7] = [
        ("valid", body.clone(), valid.clone()),
        (
            "previous key",
            body.clone(),
            sign_request(PREVIOUS_SECRET, now, &body),
        ),
        ("tampered", tampered, valid.clone()),
        (
            "stale",
            body.clone(),
            sign_request(SECRET, now - 600_000, &body),
        ),
        (
            "future",
            body.clone(),
            sign_request(SECRET, now + 600_000, &body),
        ),
        (
            "wrong key",
            body.clone(),
            sign_request("not-the-secret", now, &body),
        ),
        ("missing", body.clone(), Vec::new()),
    ];
    for route in PLUGIN_ROUTES {
        for (name, body, headers) in &cases {
            let accepted = match mode {
                SignatureMode::Off => true,
                SignatureMode::VerifyWhenPresent => {
                    matches!(*name, "valid" | "previous key" | "missing")
                }
                _ => matches!(*name, "valid" | "previous key"),
            };
            let (status, message) = post_signed(address, route, body, headers).await;
            if accepted {
                assert_eq!(status, 200, "{mode:?} {route} {name}: {message:?}");
            } else {
                assert_eq!(status, 401, "{mode:?} {route} {name}");
                let message = message.expect("a message");
                assert!(!message.contains(SECRET), "{message}");
                assert!(!message.contains(&valid[0].1[..16]), "{message}");
            }
        }
        // Malformed headers.
        let mut malformed = valid.clone();
        malformed[0].1 = "not hex".to_owned();
        let (status, _) = post_signed(address, route, &body, &malformed).await;
        let want = if mode == SignatureMode::Off { 200 } else { 401 };
        assert_eq!(status, want, "{mode:?} {route} malformed");
    }
}
