//! The plugin route's three middlewares around its resource, as one.
//!
//! [`plugin_with`](crate::plugin_with) puts each call in the `plugin` span
//! ([`PluginTrace`](crate::PluginTrace)), through the CORS check ([`plugin_cors`](crate::plugin_cors)) and under
//! the deadline ([`Deadline`](crate::Deadline)), in that order. Wrapped one
//! by one, `actix-cors` boxes a future for every call and augments every
//! answer, and `Compat` boxes its body again. A [`Stacked`] middleware is
//! the same three around the same resource, with `actix-cors` called only
//! for a request it has work for: one with an `Origin` (a browser's), or an
//! `OPTIONS` (a preflight). Every other call, which is every call from the
//! platform's servers, goes to the deadline directly and gets the one header
//! `actix-cors` would have given it, `Vary` (BENCHMARKS.md, "The plugin
//! route's own cost").

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_cors::{Cors, CorsMiddleware};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use claimkit::trace::Answering;
use claimkit::CallMeter;

use crate::{DeadlineFuture, DeadlineMiddleware};

/// The answer of `actix-cors` around the deadline.
type CorsFuture =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error>>>>;

/// The span and `meter`, the CORS answer of `cors` and the deadline,
/// around a plugin route's resource.
pub(crate) struct Stacked {
    meter: Option<CallMeter>,
    cors: Cors,
    deadline: Duration,
}

impl Stacked {
    /// The span (counting in `meter`) outermost, then `cors`, then
    /// `deadline`.
    pub(crate) fn new(meter: Option<CallMeter>, cors: Cors, deadline: Duration) -> Self {
        Self {
            meter,
            cors,
            deadline,
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Stacked
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Transform = StackedMiddleware<S>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<StackedMiddleware<S>, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let deadlined = Rc::new(DeadlineMiddleware::with(service, self.deadline));
        let cors = self.cors.new_transform(Rc::clone(&deadlined));
        let meter = self.meter.clone();
        Box::pin(async move {
            Ok(StackedMiddleware {
                deadlined,
                cors: cors.await?,
                meter,
            })
        })
    }
}

/// The service made by [`Stacked`].
pub(crate) struct StackedMiddleware<S> {
    deadlined: Rc<DeadlineMiddleware<S>>,
    cors: CorsMiddleware<Rc<DeadlineMiddleware<S>>>,
    meter: Option<CallMeter>,
}

impl<S, B> Service<ServiceRequest> for StackedMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = Answering<StackedFuture<S::Future>>;

    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<Result<(), actix_web::Error>> {
        self.deadlined.poll_ready(cx)
    }

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let span = claimkit::trace::plugin_span(request.method().as_str(), request.path());
        let headers = request.headers();
        let options = request.method() == Method::OPTIONS;
        // A browser's preflight is not a call of the plugin.
        let meter = if options && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
            None
        } else {
            self.meter.clone()
        };
        // What `actix-cors` has work for: an `Origin`, or a preflight.
        let direct = !options && !headers.contains_key(header::ORIGIN);
        let kind = span.in_scope(|| {
            if direct {
                Kind::Direct {
                    future: self.deadlined.call(request),
                }
            } else {
                Kind::Cors {
                    future: self.cors.call(request),
                }
            }
        });
        claimkit::trace::answer_in(span, StackedFuture { kind }, crate::trace::status)
            .with_meter(meter)
    }
}

pin_project_lite::pin_project! {
    /// A call's answer, from `actix-cors` or from the deadline directly.
    pub(crate) struct StackedFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProjection]
    enum Kind<F> {
        Direct {
            #[pin]
            future: DeadlineFuture<F>,
        },
        Cors {
            #[pin]
            future: CorsFuture,
        },
    }
}

impl<F, B> Future for StackedFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody + 'static,
{
    type Output = Result<ServiceResponse<BoxBody>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProjection::Direct { future } => {
                Poll::Ready(match std::task::ready!(future.poll(cx)) {
                    Ok(mut response) => {
                        vary(response.headers_mut());
                        Ok(response)
                    }
                    Err(mut err) => {
                        err.add_response_mapper(|mut response| {
                            vary(response.headers_mut());
                            response
                        });
                        Err(err)
                    }
                })
            }
            KindProjection::Cors { future } => {
                future.poll(cx).map_ok(ServiceResponse::map_into_boxed_body)
            }
        }
    }
}

/// What `actix-cors` (as [`plugin_cors`](crate::plugin_cors) sets it up)
/// puts in `Vary` on the answer to a request without `Origin`: its three
/// request headers, after any `Vary` the answer has.
fn vary(headers: &mut HeaderMap) {
    const NAMES: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    let value = match headers.get(header::VARY) {
        Some(present) => {
            let mut joined = Vec::with_capacity(present.len() + 2 + NAMES.len());
            joined.extend_from_slice(present.as_bytes());
            joined.extend_from_slice(b", ");
            joined.extend_from_slice(NAMES.as_bytes());
            match HeaderValue::from_bytes(&joined) {
                Ok(value) => value,
                // Both halves are valid header text, so their join is too.
                Err(_) => return,
            }
        }
        None => HeaderValue::from_static(NAMES),
    };
    headers.insert(header::VARY, value);
}
