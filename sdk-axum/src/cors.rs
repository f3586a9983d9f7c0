//! The CORS answer of plugin routes, for the developer portal's test button.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::response::Response;
use claimkit::{RouteOptions, CORS_ALLOWED_METHODS, CORS_MAX_AGE};
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, CorsLayer, ResponseFuture};

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
        cors: Arc::new(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods(methods.collect::<Vec<_>>())
                .allow_headers(headers.collect::<Vec<_>>())
                .max_age(CORS_MAX_AGE),
        ),
    }
}

/// The layer made by [`plugin_cors`].
#[derive(Debug, Clone)]
pub struct PluginCorsLayer {
    cors: Arc<CorsLayer>,
}

impl<S: Clone> Layer<S> for PluginCorsLayer {
    type Service = PluginCors<S>;

    fn layer(&self, inner: S) -> PluginCors<S> {
        PluginCors {
            cors: Arc::clone(&self.cors),
            inner,
        }
    }
}

/// The service made by [`PluginCorsLayer`]: `tower-http`'s
/// [`Cors`](tower_http::cors::Cors) around
/// the route for a preflight and for a request with an `Origin`, the route
/// itself for the rest.
///
/// A request without `Origin` (every call from the platform's servers) gets
/// the one header `Cors` would give it, `Vary`, without `Cors`'s per-request
/// work; an `OPTIONS` that is no preflight gets the route's answer as it is.
#[derive(Debug, Clone)]
pub struct PluginCors<S> {
    cors: Arc<CorsLayer>,
    inner: S,
}

/// What `tower-http`'s `Cors` (by default) puts in `Vary` on every answer.
pub(crate) const VARY: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);

/// Whether the route answers `request` itself, past `Cors`: `Some(true)`
/// for a request without `Origin` (its answer gets [`VARY`]), `Some(false)`
/// for an `OPTIONS` that is no preflight (its answer as it is), `None` for
/// `Cors` to answer (a preflight, or a request with an `Origin`).
pub(crate) fn past_cors(request: &Request) -> Option<bool> {
    let headers = request.headers();
    if request.method() == Method::OPTIONS {
        (!headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)).then_some(false)
    } else {
        (!headers.contains_key(header::ORIGIN)).then_some(true)
    }
}

impl PluginCorsLayer {
    /// `tower-http`'s `Cors` around `inner`, for a request [`past_cors`]
    /// does not let past.
    pub(crate) fn cors<S>(&self, inner: S) -> tower_http::cors::Cors<S> {
        self.cors.layer(inner)
    }
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
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let kind = match past_cors(&request) {
            Some(vary) => Kind::Route {
                future: self.inner.call(request),
                vary,
            },
            None => {
                // The ready service answers; its clone waits for the next call.
                let waiting = self.inner.clone();
                let ready = std::mem::replace(&mut self.inner, waiting);
                Kind::Cors {
                    future: self.cors.layer(ready).call(request),
                }
            }
        };
        PluginCorsFuture { kind }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`PluginCors`].
    pub struct PluginCorsFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProjection]
    enum Kind<F> {
        Cors {
            #[pin]
            future: ResponseFuture<F>,
        },
        Route {
            #[pin]
            future: F,
            vary: bool,
        },
    }
}

impl<F> std::fmt::Debug for PluginCorsFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginCorsFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for PluginCorsFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProjection::Cors { future } => future.poll(cx),
            KindProjection::Route { future, vary } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                if *vary {
                    response.headers_mut().append(header::VARY, VARY);
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}
