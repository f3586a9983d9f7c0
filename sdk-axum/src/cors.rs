//! The CORS answer of plugin routes, for the developer portal's test button.

use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::response::Response;
use claimkit::{RouteOptions, CORS_ALLOWED_METHODS, CORS_MAX_AGE};
use tower::util::future::EitherResponseFuture;
use tower::util::Either;
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, Cors, CorsLayer, ResponseFuture};

/// The CORS layer of plugin routes for `options`: `tower-http`'s
/// [`CorsLayer`] for the allowed origins, with the plugin methods,
/// `Content-Type`, the `X-BitBadges-*` headers and any extra header of the
/// options. It answers the preflight (an `OPTIONS` with
/// `Access-Control-Request-Method`) and marks answers for exactly the
/// allowed origins; other origins get no CORS headers at all.
///
/// [`plugin`](crate::plugin) and [`plugin_with`](crate::plugin_with) apply
/// it; use it on routes of your own. An `OPTIONS` that is no preflight
/// goes on to the route (a plugin route answers it `405`), as it does with
/// `actix-cors`: `CorsLayer` alone would answer every `OPTIONS` itself.
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
pub fn plugin_cors(options: &RouteOptions) -> PluginCorsLayer {
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
    PluginCorsLayer {
        cors: CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods(methods.collect::<Vec<_>>())
            .allow_headers(headers.collect::<Vec<_>>())
            .max_age(CORS_MAX_AGE),
    }
}

/// The layer made by [`plugin_cors`].
#[derive(Debug, Clone)]
pub struct PluginCorsLayer {
    cors: CorsLayer,
}

impl<S: Clone> Layer<S> for PluginCorsLayer {
    type Service = PluginCors<S>;

    fn layer(&self, inner: S) -> PluginCors<S> {
        PluginCors {
            cors: self.cors.layer(inner.clone()),
            inner,
        }
    }
}

/// The service made by [`PluginCorsLayer`]: `tower-http`'s [`Cors`] around
/// the route, bypassed only by an `OPTIONS` that is no preflight.
#[derive(Debug, Clone)]
pub struct PluginCors<S> {
    cors: Cors<S>,
    inner: S,
}

impl<S, B> Service<Request> for PluginCors<S>
where
    S: Service<Request, Response = Response<B>> + Clone,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = PluginCorsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        std::task::ready!(self.inner.poll_ready(cx))?;
        self.cors.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let preflight_or_plain = request.method() != Method::OPTIONS
            || request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let mut through = if preflight_or_plain {
            Either::Left(&mut self.cors)
        } else {
            Either::Right(&mut self.inner)
        };
        through.call(request)
    }
}

/// The response future of [`PluginCors`]: `tower-http`'s CORS future, or
/// the route's own for an `OPTIONS` that is no preflight.
pub type PluginCorsFuture<F> = EitherResponseFuture<ResponseFuture<F>, F>;
