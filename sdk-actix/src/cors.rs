//! The CORS answer of plugin routes, for the developer portal's test button.

use actix_cors::Cors;
use claimkit::{RouteOptions, CORS_ALLOWED_METHODS, CORS_MAX_AGE};

/// The `actix-cors` [`Cors`] middleware for `options`: the preflight is
/// answered and answers are marked for exactly the allowed origins, with
/// the plugin methods, `Content-Type`, the `X-BitBadges-*` headers and any
/// extra header of the options; other origins get no CORS permission
/// (`actix-cors` refuses their preflight with `400`, and answers their
/// other requests without CORS headers). [`plugin`](crate::plugin) and
/// [`plugin_with`](crate::plugin_with) apply it; pass it to `.wrap()` on
/// resources of your own. The counterpart of `claimkit-axum`'s
/// `plugin_cors`.
///
/// ```
/// use actix_web::{web, App};
/// use claimkit::RouteOptions;
/// use claimkit_actix::plugin_cors;
///
/// let app = App::new().service(
///     web::resource("/hook")
///         .route(web::post().to(|| async { "ok" }))
///         .wrap(plugin_cors(&RouteOptions::new())),
/// );
/// ```
pub fn plugin_cors(options: &RouteOptions) -> Cors {
    let cors = options
        .cors_origins()
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
    cors.allowed_methods(CORS_ALLOWED_METHODS.iter().copied())
        .allowed_headers(options.cors_allowed_headers())
        .max_age(usize::try_from(CORS_MAX_AGE.as_secs()).ok())
}
