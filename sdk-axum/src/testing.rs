//! Requests built the way the platform and webhook senders send them, for
//! tests through axum's own harness (feature `testing`).

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request};
use claimkit::testing::{PluginCall, Signer};

/// The request BitBadges makes for `call` with `method`: an axios query
/// string for `GET`, a JSON body otherwise.
///
/// # Panics
/// When `method` or `uri` is not valid HTTP: a bug in the test.
///
/// ```
/// use axum::Router;
/// use claimkit::testing::PluginCall;
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_axum::testing::plugin_request;
/// use claimkit_axum::{plugin, Plugin};
/// use tower::ServiceExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
/// let app = Router::new()
///     .route("/allow", plugin(allow))
///     .with_state(PluginConfig::new(Secret::new("s3cret").unwrap()));
///
/// let call = PluginCall::executing("attempt-1").with_secret("s3cret");
/// for method in ["GET", "POST", "PUT", "DELETE"] {
///     let response = app.clone().oneshot(plugin_request(method, "/allow", &call)).await.unwrap();
///     assert_eq!(response.status(), 200);
/// }
/// # });
/// ```
pub fn plugin_request(method: &str, uri: &str, call: &PluginCall) -> Request<Body> {
    let request = Request::builder()
        .method(method)
        .uri(call.target(method, uri));
    let request = match call.body(method) {
        Some(json) => request
            .header("content-type", "application/json")
            .body(Body::from(json)),
        None => request.body(Body::empty()),
    };
    request.expect("a valid method and URI")
}

/// [`plugin_request`] with the `X-BitBadges-Signature` headers of the
/// call's raw body (or `GET` query string), signed with `secret` at
/// `timestamp_ms` (UNIX milliseconds; [`now_millis`](claimkit::testing::now_millis)
/// for the current time). See [`sign_request`](claimkit::testing::sign_request).
///
/// ```
/// use axum::Router;
/// use claimkit::signature::{RequestSignatures, SignatureMode};
/// use claimkit::testing::{now_millis, PluginCall};
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_axum::testing::{plugin_request, signed_plugin_request};
/// use claimkit_axum::{plugin, Plugin};
/// use tower::ServiceExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
/// let config = PluginConfig::new(Secret::new("s3cret").unwrap())
///     .with_signatures(RequestSignatures::new(SignatureMode::Require));
/// let app = Router::new().route("/allow", plugin(allow)).with_state(config);
///
/// let call = PluginCall::executing("attempt-1").with_secret("s3cret");
/// for method in ["GET", "POST"] {
///     let signed = signed_plugin_request(method, "/allow", &call, "s3cret", now_millis());
///     assert_eq!(app.clone().oneshot(signed).await.unwrap().status(), 200);
///     let unsigned = plugin_request(method, "/allow", &call);
///     assert_eq!(app.clone().oneshot(unsigned).await.unwrap().status(), 401);
/// }
/// # });
/// ```
///
/// # Panics
/// As [`plugin_request`].
pub fn signed_plugin_request(
    method: &str,
    uri: &str,
    call: &PluginCall,
    secret: &str,
    timestamp_ms: u64,
) -> Request<Body> {
    let mut request = plugin_request(method, uri, call);
    for (name, value) in call.signature_headers_for(method, secret, timestamp_ms) {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(&value).expect("a valid header value");
        request.headers_mut().insert(name, value);
    }
    request
}

/// A `POST` of `body` to `uri`, signed by `signer`.
///
/// # Panics
/// When `uri` is not valid HTTP: a bug in the test.
pub fn webhook_request(uri: &str, signer: &Signer, body: impl Into<Vec<u8>>) -> Request<Body> {
    let body = body.into();
    let mut request = Request::post(uri).header("content-type", "application/json");
    for (name, value) in signer.sign(&body) {
        request = request.header(name, value);
    }
    request.body(Body::from(body)).expect("a valid URI")
}
