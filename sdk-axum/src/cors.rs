//! The CORS answer of plugin routes, for the developer portal's test button.

use axum::http::{HeaderName, HeaderValue, Method};
use claimkit::{RouteOptions, CORS_ALLOWED_METHODS, CORS_MAX_AGE};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// `tower-http`'s [`CorsLayer`] for `options`: the preflight is answered
/// and answers are marked for exactly the allowed origins, with the plugin
/// methods, `Content-Type`, the `X-BitBadges-*` headers and any extra
/// header of the options; other origins get no CORS headers at all.
/// [`plugin`](crate::plugin) and [`plugin_with`](crate::plugin_with) apply
/// it; use it on routes of your own.
///
/// ```
/// use axum::{routing::post, Router};
/// use claimkit::RouteOptions;
/// use claimkit_axum::plugin_cors;
///
/// let app: Router = Router::new()
///     .route("/hook", post(|| async { "ok" }))
///     .layer(plugin_cors(&RouteOptions::new()));
/// ```
pub fn plugin_cors(options: &RouteOptions) -> CorsLayer {
    // The core has checked the origins and header names; nothing is lost.
    let origins = options
        .cors_origins()
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok());
    let headers = options
        .cors_allowed_headers()
        .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok());
    let methods = CORS_ALLOWED_METHODS
        .iter()
        .filter_map(|method| Method::from_bytes(method.as_bytes()).ok());
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(methods.collect::<Vec<_>>())
        .allow_headers(headers.collect::<Vec<_>>())
        .max_age(CORS_MAX_AGE)
}
