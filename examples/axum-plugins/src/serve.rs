//! Serving the router on a public port: a connection must send its whole
//! request head within [`HEAD_TIMEOUT`] and in at most [`MAX_HEAD`] bytes
//! and [`MAX_HEADERS`] headers, the bounds actix-web keeps by default.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::drain::Drain;
use crate::head_clock::HeadClock;

/// How long a connection may take to send a request head: 5 s (actix-web's
/// `client_request_timeout`). A connection that has not sent its whole head
/// by then is closed, so half-open connections cannot pile up.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest request head: 128 KiB (actix-web's). A larger one is
/// answered `431`.
pub const MAX_HEAD: usize = 128 * 1024;

/// The most headers in a request: 96 (actix-web's). More are answered `431`.
pub const MAX_HEADERS: usize = 96;

/// How long open connections may take to finish once `shutdown` resolves.
const DRAIN_CONNECTIONS: Duration = Duration::from_secs(10);

/// Serves `app` over HTTP/1.1 on `listener` until `shutdown` resolves, then
/// lets open connections finish (for up to 10 s).
///
/// It is `axum::serve` with the bounds above: hyper's own head timeout
/// needs a timer, which `axum::serve` does not give it (each connection
/// gets a `HeadClock`, cheaper than `hyper-util`'s `TokioTimer` per
/// call), and its head limit is about 400 KiB.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    // Not `max_headers(MAX_HEADERS)`: hyper then fills arrays of that size
    // for every head (1,400 instructions a call, BENCHMARKS.md), where its
    // own bound of 100 costs nothing; `bounded` refuses the 97th to 100th.
    http.header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD);
    let connections = Drain::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or the peer gave up: wait, retry.
                Err(err) => {
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = bounded(TowerToHyperService::new(app.clone()));
        // A clock of its own per connection: see `HeadClock`.
        let mut http = http.clone();
        http.timer(HeadClock::new(HEAD_TIMEOUT));
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_CONNECTIONS, connections.close())
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown were closed");
    }
    Ok(())
}

/// `app`, with a request of more than [`MAX_HEADERS`] headers answered
/// `431` and the connection closed, as hyper answers one over its own bound.
fn bounded(
    app: TowerToHyperService<Router>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response,
    Error = Infallible,
    Future = impl Future<Output = Result<Response, Infallible>> + Send,
> + Clone {
    service_fn(move |request: Request<Incoming>| {
        let answer = (request.headers().len() <= MAX_HEADERS).then(|| app.call(request));
        async move {
            match answer {
                Some(answer) => answer.await,
                None => Ok((
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    [(header::CONNECTION, "close")],
                )
                    .into_response()),
            }
        }
    })
}
