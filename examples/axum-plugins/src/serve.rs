//! Serving the router on a public port: a connection must send its whole
//! request head within [`HEAD_TIMEOUT`] and in at most [`MAX_HEAD`] bytes
//! and [`MAX_HEADERS`] headers, the bounds actix-web keeps by default.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

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
/// needs a timer, which `axum::serve` does not give it, and its head limit
/// is about 400 KiB.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS);
    let connections = GracefulShutdown::new();
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
        let service = TowerToHyperService::new(app.clone());
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_CONNECTIONS, connections.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown were closed");
    }
    Ok(())
}
