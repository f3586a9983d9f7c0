//! The plugin route's three layers around a handler, as one handler.
//!
//! [`plugin_with`](crate::plugin_with) puts each call in the `plugin` span
//! ([`PluginTrace`](crate::PluginTrace)), through the CORS check ([`PluginCors`](crate::PluginCors)) and under the
//! deadline ([`Deadline`](crate::Deadline)), in that order. Applied with `Handler::layer`,
//! axum builds that stack anew for every call: the layered handler is made
//! a service with a second copy of the state, the layers wrap it, tower's
//! `Oneshot` drives it and its answer is mapped twice (about 1,300
//! instructions a call, BENCHMARKS.md). A [`Stacked`] handler does the
//! three layers' work in one future around the handler's own: the span and
//! meter of [`answer_in`](claimkit::trace::answer_in), the deadline of
//! [`answer_within`], and `Vary` on a call `Cors` has no work for
//! ([`past_cors`]); a preflight or a call with an `Origin` goes through
//! `tower-http`'s `Cors` around the deadline around the handler, as the
//! layers would.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use claimkit::trace::Answering;
use claimkit::{Error, ErrorKind};
use claimkit_tokio::{answer_within, AnswerWithin};
use tower::{Layer, Service};
use tower_http::cors::ResponseFuture;

use crate::cors::{past_cors, VARY};
use crate::{DeadlineFuture, DeadlineLayer, PluginCorsLayer, PluginTraceLayer};

/// `handler` inside the plugin route's span, CORS check and deadline.
#[derive(Clone)]
pub(crate) struct Stacked<H> {
    handler: H,
    trace: PluginTraceLayer,
    cors: PluginCorsLayer,
    deadline: DeadlineLayer,
}

impl<H> Stacked<H> {
    /// `handler` in the span (and meter) of `trace`, with the CORS answer
    /// of `cors` and `deadline`.
    pub(crate) fn new(
        handler: H,
        trace: PluginTraceLayer,
        cors: PluginCorsLayer,
        deadline: DeadlineLayer,
    ) -> Self {
        Self {
            handler,
            trace,
            cors,
            deadline,
        }
    }
}

impl<H, T, S> Handler<T, S> for Stacked<H>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    type Future = Answering<StackedFuture<H::Future>>;

    fn call(self, request: Request, state: S) -> Self::Future {
        let span = claimkit::trace::plugin_span(request.method().as_str(), request.uri().path());
        let past = past_cors(&request);
        // A browser's preflight (an `OPTIONS` that `Cors` answers) is not a
        // call of the plugin.
        let preflight = past.is_none() && request.method() == Method::OPTIONS;
        let meter = if preflight {
            None
        } else {
            self.trace.into_meter()
        };
        let deadline = self.deadline;
        let handler = self.handler;
        let cors = self.cors;
        let kind = span.in_scope(|| match past {
            Some(vary) => Kind::Route {
                future: answer_within(deadline.duration(), handler.call(request, state)),
                vary,
            },
            None => {
                let call = Call {
                    taken: Some((handler, state)),
                    kind: PhantomData,
                };
                Kind::Cors {
                    future: cors.cors(deadline.layer(call)).call(request),
                }
            }
        });
        claimkit::trace::answer_in(span, StackedFuture { kind }, status).with_meter(meter)
    }
}

/// The status of an answer, for [`Answering`].
fn status(response: &Response) -> Option<u16> {
    Some(response.status().as_u16())
}

pin_project_lite::pin_project! {
    /// A call's answer: the handler's under the deadline, or `Cors`'s.
    pub(crate) struct StackedFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProjection]
    enum Kind<F> {
        Route {
            #[pin]
            future: AnswerWithin<F>,
            vary: bool,
        },
        Cors {
            #[pin]
            future: ResponseFuture<DeadlineFuture<Called<F>>>,
        },
    }
}

impl<F: Future<Output = Response>> Future for StackedFuture<F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        match self.project().kind.project() {
            KindProjection::Route { future, vary } => {
                let mut response = match std::task::ready!(future.poll(cx)) {
                    Ok(response) => response,
                    Err(timeout) => timeout.into_response(),
                };
                if *vary {
                    response.headers_mut().append(header::VARY, VARY);
                }
                Poll::Ready(response)
            }
            KindProjection::Cors { future } => {
                future
                    .poll(cx)
                    .map(|result: Result<Response, Infallible>| match result {
                        Ok(response) => response,
                        Err(never) => match never {},
                    })
            }
        }
    }
}

/// A handler with its state, as the innermost service of the stack: called
/// once, it hands both to the handler without copying them.
struct Call<H, T, S> {
    taken: Option<(H, S)>,
    kind: PhantomData<fn() -> T>,
}

impl<H: Clone, T, S: Clone> Clone for Call<H, T, S> {
    fn clone(&self) -> Self {
        Self {
            taken: self.taken.clone(),
            kind: PhantomData,
        }
    }
}

impl<H, T, S> Service<Request> for Call<H, T, S>
where
    H: Handler<T, S>,
    S: Clone,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Called<H::Future>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.taken.take() {
            Some((handler, state)) => Called::Handler {
                inner: handler.call(request, state),
            },
            None => Called::Spent,
        }
    }
}

pin_project_lite::pin_project! {
    /// A handler's answer, as a service's result.
    #[project = CalledProjection]
    pub(crate) enum Called<F> {
        Handler {
            #[pin]
            inner: F,
        },
        // The stack called its handler a second time: never, as it is
        // built for one call.
        Spent,
    }
}

impl<F: Future<Output = Response>> Future for Called<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            CalledProjection::Handler { inner } => inner.poll(cx).map(Ok),
            CalledProjection::Spent => {
                let err = Error::with_message(
                    ErrorKind::InvalidConfig,
                    "the plugin route called its handler twice",
                );
                claimkit::trace::rejected(&err);
                Poll::Ready(Ok(err.into_response()))
            }
        }
    }
}
