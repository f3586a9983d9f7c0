//! Mounting a plugin handler on exactly the methods the platform uses.

use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::HttpServiceFactory;
use actix_web::middleware::from_fn;
use actix_web::{guard, web, FromRequest, Handler, Responder};
use claimkit::signature::{Verifier, WebhookGate};
use claimkit::store::Deliveries;
use claimkit::{Error, ErrorKind, RouteOptions, Source};

use crate::signature::answer_acknowledged;
use crate::stack::Stacked;
use crate::{plugin_cors, Signature};

/// A resource at `path` routing `handler` for `GET`, `POST`, `PUT` and
/// `DELETE`, the methods a BitBadges plugin can be configured with; any other
/// method is answered `405` with `{"message": ...}` and an `Allow` header.
///
/// The counterpart of `claimkit-axum`'s `plugin(handler)`: an axum route is
/// given its path by the router, an actix-web resource carries its own, so
/// this one takes it too. Register the result with `App::service`.
///
/// A handler still running after [`DEFAULT_DEADLINE`](claimkit::DEFAULT_DEADLINE) (5 s) is answered
/// `503 {"message": ...}`, before the platform gives up (it publishes both
/// 6 s and 10 s).
///
/// The route answers the CORS preflight of the developer portal's "Send
/// Test Request" (origin [`PORTAL_ORIGIN`](claimkit::PORTAL_ORIGIN)) and
/// marks its answers for that origin only; [`plugin_with`] takes other
/// [`RouteOptions`].
///
/// Each call runs in a `plugin` tracing span ([`PluginTrace`](crate::PluginTrace)) carrying the
/// method, the path (never the query, which holds a `GET` call's secret),
/// and, once the [`Plugin`](crate::Plugin) extractor has decoded it, the
/// claim id, attempt id, status and simulation flag; the answer's status and
/// latency are logged when it completes. A route given a name
/// ([`RouteOptions::with_name`], through [`plugin_with`]) also counts each
/// answer and its latency
/// ([`PLUGIN_CALLS`](claimkit::metrics::PLUGIN_CALLS)); install the
/// application's metrics recorder before serving.
///
/// ```
/// use actix_web::App;
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_actix::{plugin, Plugin};
///
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
///
/// let app = App::new()
///     .app_data(PluginConfig::new(Secret::new("s3cret")?))
///     .service(plugin("/plugins/allow", allow));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn plugin<F, Args>(path: &str, handler: F) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    plugin_with(path, handler, &RouteOptions::new())
}

/// [`plugin`], answering `503 {"message": ...}` when `handler` has not
/// answered within `deadline` instead of the default 5 s (see
/// [`Deadline`](crate::Deadline)).
pub fn plugin_with_deadline<F, Args>(
    path: &str,
    handler: F,
    deadline: Duration,
) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    plugin_with(path, handler, &RouteOptions::new().with_deadline(deadline))
}

/// [`plugin`] with other [`RouteOptions`]: a deadline, the origins given
/// CORS permission (answered by `actix-cors`, see [`plugin_cors`]), extra
/// headers a browser may send, the name and preset its calls are counted
/// under. The counterpart of `claimkit-axum`'s
/// `plugin_with`.
///
/// ```
/// use std::time::Duration;
/// use actix_web::App;
/// use claimkit::{PluginConfig, RouteOptions, Secret, Stateless};
/// use claimkit_actix::{plugin_with, Plugin};
///
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
///
/// let options = RouteOptions::new()
///     .with_deadline(Duration::from_secs(3))
///     .with_cors_origins(["https://bitbadges.io", "http://localhost:5173"])?
///     .with_name("allow", "Stateless");
/// let app = App::new()
///     .app_data(PluginConfig::new(Secret::new("s3cret")?))
///     .service(plugin_with("/plugins/allow", allow, &options));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn plugin_with<F, Args>(
    path: &str,
    handler: F,
    options: &RouteOptions,
) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    // One check of the method, where `guard::Any` of four method guards
    // costs over a thousand instructions a call.
    let methods = guard::fn_guard(|ctx| Source::of_method(ctx.head().method.as_str()).is_some());
    web::resource(path)
        .route(web::route().guard(methods).to(handler))
        .default_service(web::to(method_not_allowed))
        .wrap(Stacked::new(
            options.meter(),
            plugin_cors(options),
            options.deadline(),
        ))
}

/// The `405` of a webhook route, for any method but `POST`.
async fn post_only() -> Error {
    let err = Error::method_not_allowed("POST");
    claimkit::trace::rejected(&err);
    err
}

async fn method_not_allowed() -> Error {
    let err = Error::new(ErrorKind::MethodNotAllowed);
    claimkit::trace::rejected(&err);
    err
}

/// A resource at `path` routing a signed-webhook `handler` for `POST`, the
/// method webhook senders use; any other method is answered `405` with
/// `{"message": ...}` and `Allow: POST`. Pair it with
/// the [`Signed`](crate::Signed) extractor (whose acknowledgement of a
/// redelivery this route answers as a plain `200 {}` response), or use
/// [`signed_webhook`] to verify with the [`Signature`](crate::Signature)
/// middleware.
pub fn webhook<F, Args>(path: &str, handler: F) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let acknowledge = from_fn(answer_acknowledged);
    web::resource(path)
        .route(web::post().to(handler).wrap(acknowledge))
        .default_service(web::to(post_only))
}

/// [`webhook`], with every `POST` verified by the
/// [`Signature`](crate::Signature) middleware driving `gate` before `handler`
/// runs; other methods still get their `405`.
///
/// ```
/// use actix_web::App;
/// use claimkit::signature::{StandardWebhooks, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_actix::signed_webhook;
///
/// let gate = WebhookGate::new(StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?);
/// let app = App::new().service(signed_webhook("/webhooks/standard", || async { Stateless }, gate));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn signed_webhook<F, Args, V, D>(
    path: &str,
    handler: F,
    gate: impl Into<Arc<WebhookGate<V, D>>>,
) -> impl HttpServiceFactory
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
    V: Verifier,
    D: Deliveries + 'static,
{
    web::resource(path)
        .route(web::post().to(handler).wrap(Signature::new(gate)))
        .default_service(web::to(post_only))
}
