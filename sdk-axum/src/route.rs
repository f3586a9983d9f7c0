//! Mounting a plugin handler on exactly the methods the platform uses.

use std::sync::Arc;
use std::time::Duration;

use crate::stack::Stacked;
use crate::{plugin_cors, DeadlineLayer, PluginTraceLayer, SignatureLayer};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use claimkit::signature::{Verifier, WebhookGate};
use claimkit::store::Deliveries;
use claimkit::{Error, ErrorKind, RouteOptions};

/// Routes `handler` for `GET`, `POST`, `PUT` and `DELETE`, the methods a
/// BitBadges plugin can be configured with ([`claimkit::head::METHODS`]);
/// any other method is answered `405` with `{"message": ...}` and an
/// `Allow` header.
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
/// Each call runs in a `plugin` tracing span carrying the method, the path
/// (never the query, which holds a `GET` call's secret), and, once the
/// [`Plugin`](crate::Plugin) extractor has decoded it, the claim id, attempt
/// id, status and simulation flag; the answer's status and latency are
/// logged when it completes. A route given a name
/// ([`RouteOptions::with_name`], through [`plugin_with`]) also counts each
/// answer and its latency
/// ([`PLUGIN_CALLS`](claimkit::metrics::PLUGIN_CALLS)); install the
/// application's metrics recorder before serving.
///
/// ```
/// use axum::Router;
/// use claimkit::{PluginConfig, Secret, Stateless};
/// use claimkit_axum::{plugin, Plugin};
///
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
///
/// let app: Router = Router::new()
///     .route("/plugins/allow", plugin(allow))
///     .with_state(PluginConfig::new(Secret::new("s3cret")?));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn plugin<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    plugin_with(handler, &RouteOptions::new())
}

/// [`plugin`], answering `503 {"message": ...}` when `handler` has not
/// answered within `deadline` instead of the default 5 s (see
/// [`DeadlineLayer`](crate::DeadlineLayer)).
pub fn plugin_with_deadline<H, T, S>(handler: H, deadline: Duration) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    plugin_with(handler, &RouteOptions::new().with_deadline(deadline))
}

/// [`plugin`] with other [`RouteOptions`]: a deadline, the origins given
/// CORS permission (answered by `tower-http`'s `CorsLayer`, see
/// [`plugin_cors`]), extra headers a browser may send, the name and preset
/// its calls are counted under.
///
/// ```
/// use std::time::Duration;
/// use axum::Router;
/// use claimkit::{PluginConfig, RouteOptions, Secret, Stateless};
/// use claimkit_axum::{plugin_with, Plugin};
///
/// async fn allow(_: Plugin) -> Stateless {
///     Stateless
/// }
///
/// let options = RouteOptions::new()
///     .with_deadline(Duration::from_secs(3))
///     .with_cors_origins(["https://bitbadges.io", "http://localhost:5173"])?
///     .with_name("allow", "Stateless");
/// let app: Router = Router::new()
///     .route("/plugins/allow", plugin_with(allow, &options))
///     .with_state(PluginConfig::new(Secret::new("s3cret")?));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn plugin_with<H, T, S>(handler: H, options: &RouteOptions) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    let methods = claimkit::head::METHODS
        .iter()
        .map(|method| {
            let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
            MethodFilter::try_from(method).expect("a method axum can route")
        })
        .reduce(MethodFilter::or)
        .expect("at least one plugin method");
    // The span, the CORS check and the deadline wrap the handler and the
    // fallback before axum boxes them into routes (`MethodRouter::layer`
    // would box the boxed routes again), and as one handler rather than
    // with `Handler::layer`, which builds the stack anew for every call
    // (BENCHMARKS.md).
    let cors = plugin_cors(options);
    let deadline = DeadlineLayer::new(options.deadline());
    let trace = PluginTraceLayer::new().with_meter(options.meter());
    let refuse = || async {
        let err = Error::new(ErrorKind::MethodNotAllowed);
        claimkit::trace::rejected(&err);
        err
    };
    on(
        methods,
        Stacked::new(handler, trace.clone(), cors.clone(), deadline),
    )
    .fallback(Stacked::new(refuse, trace, cors, deadline))
}

/// Routes a signed-webhook `handler` for `POST`, the method webhook senders
/// use; any other method is answered `405` with `{"message": ...}` and
/// `Allow: POST`. Pair it with the [`Signed`](crate::Signed) extractor, or
/// use [`signed_webhook`] to verify with a [`SignatureLayer`].
pub fn webhook<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::post(handler).fallback(|| async {
        let err = Error::method_not_allowed("POST");
        claimkit::trace::rejected(&err);
        err
    })
}

/// [`webhook`], with every `POST` verified by a [`SignatureLayer`] driving
/// `gate` before `handler` runs; other methods still get their `405`.
///
/// ```
/// use axum::Router;
/// use claimkit::signature::{StandardWebhooks, WebhookGate};
/// use claimkit::{Secret, Stateless};
/// use claimkit_axum::signed_webhook;
///
/// let gate = WebhookGate::new(StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?);
/// let app: Router = Router::new().route("/webhooks/standard", signed_webhook(|| async { Stateless }, gate));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub fn signed_webhook<H, T, S, V, D>(
    handler: H,
    gate: impl Into<Arc<WebhookGate<V, D>>>,
) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
    V: Verifier,
    D: Deliveries + 'static,
{
    webhook(handler).route_layer(SignatureLayer::new(gate))
}
