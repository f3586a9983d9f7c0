//! The plugin route's three layers around a handler, called directly.
//!
//! [`plugin_with`](crate::plugin_with) puts each call in the `plugin` span
//! ([`PluginTrace`](crate::PluginTrace)), through the CORS check ([`PluginCors`](crate::PluginCors)) and under the
//! deadline ([`Deadline`](crate::Deadline)), in that order. Applied with `Handler::layer`,
//! axum builds that stack anew for every call: the layered handler is made
//! a service with a second copy of the state, the layers wrap it, tower's
//! `Oneshot` drives it and its answer is mapped twice (about 1,300
//! instructions a call, BENCHMARKS.md). A [`Stacked`] handler is the same
//! three services around the same handler, built from the handler's own
//! copy of the state and called once.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use claimkit::{Error, ErrorKind};
use tower::{Layer, Service};

use crate::{DeadlineFuture, DeadlineLayer, PluginCorsFuture, PluginCorsLayer};
use crate::{PluginTraceFuture, PluginTraceLayer};

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
    type Future = Answered<PluginTraceFuture<PluginCorsFuture<DeadlineFuture<Called<H::Future>>>>>;

    fn call(self, request: Request, state: S) -> Self::Future {
        let call = Call {
            taken: Some((self.handler, state)),
            kind: PhantomData,
        };
        let mut stack = self.trace.wrap(self.cors.layer(self.deadline.layer(call)));
        Answered {
            inner: stack.call(request),
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

pin_project_lite::pin_project! {
    /// The stack's result, as a handler's answer.
    pub(crate) struct Answered<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for Answered<F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        self.project().inner.poll(cx).map(|result| match result {
            Ok(response) => response,
            Err(never) => match never {},
        })
    }
}
