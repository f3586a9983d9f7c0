//! Requests built the way the platform and webhook senders send them, for
//! tests through actix-web's own harness (feature `testing`).

use actix_web::http::Method;
use actix_web::test::TestRequest;
use claimkit::testing::{PluginCall, Signer};

/// The request BitBadges makes for `call` with `method`: an axios query
/// string for `GET`, a JSON body otherwise.
///
/// # Panics
/// When `method` is not a valid HTTP method: a bug in the test.
///
/// ```
/// use actix_web::{test, App};
/// use claimkit::testing::PluginCall;
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_actix::testing::plugin_request;
/// use claimkit_actix::{plugin, Plugin};
///
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .app_data(PluginConfig::new(Secret::new("s3cret").unwrap()))
///         .service(plugin("/allow", allow)),
/// )
/// .await;
/// let call = PluginCall::executing("attempt-1").with_secret("s3cret");
/// for method in ["GET", "POST", "PUT", "DELETE"] {
///     let response = test::call_service(&app, plugin_request(method, "/allow", &call).to_request()).await;
///     assert_eq!(response.status(), 200);
/// }
/// # });
/// ```
pub fn plugin_request(method: &str, uri: &str, call: &PluginCall) -> TestRequest {
    let request = TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).expect("a valid method"))
        .uri(&call.target(method, uri));
    match call.body(method) {
        Some(json) => request
            .insert_header(("content-type", "application/json"))
            .set_payload(json),
        None => request,
    }
}

/// [`plugin_request`] with the `X-BitBadges-Signature` headers of the
/// call's raw body (or `GET` query string), signed with `secret` at
/// `timestamp_ms` (UNIX milliseconds; [`now_millis`](claimkit::testing::now_millis)
/// for the current time). See [`sign_request`](claimkit::testing::sign_request).
///
/// ```
/// use actix_web::{test, App};
/// use claimkit::signature::{RequestSignatures, SignatureMode};
/// use claimkit::testing::{now_millis, PluginCall};
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_actix::testing::{plugin_request, signed_plugin_request};
/// use claimkit_actix::{plugin, Plugin};
///
/// # actix_web::rt::System::new().block_on(async {
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
/// let config = PluginConfig::new(Secret::new("s3cret").unwrap())
///     .with_signatures(RequestSignatures::new(SignatureMode::Require));
/// let app = test::init_service(App::new().app_data(config).service(plugin("/allow", allow))).await;
///
/// let call = PluginCall::executing("attempt-1").with_secret("s3cret");
/// for method in ["GET", "POST"] {
///     let signed = signed_plugin_request(method, "/allow", &call, "s3cret", now_millis());
///     assert_eq!(test::call_service(&app, signed.to_request()).await.status(), 200);
///     let unsigned = plugin_request(method, "/allow", &call);
///     assert_eq!(test::call_service(&app, unsigned.to_request()).await.status(), 401);
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
) -> TestRequest {
    let mut request = plugin_request(method, uri, call);
    for header in call.signature_headers_for(method, secret, timestamp_ms) {
        request = request.insert_header(header);
    }
    request
}

/// A `POST` of `body` to `uri`, signed by `signer`.
pub fn webhook_request(uri: &str, signer: &Signer, body: impl Into<Vec<u8>>) -> TestRequest {
    let body = body.into();
    let mut request = TestRequest::post()
        .uri(uri)
        .insert_header(("content-type", "application/json"));
    for (name, value) in signer.sign(&body) {
        request = request.insert_header((name, value));
    }
    request.set_payload(body)
}
