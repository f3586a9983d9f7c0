//! Serving the routes on a public port: a connection must send its whole
//! request head within [`HEAD_TIMEOUT`]; a head over actix-web's 128 KiB
//! or 96 headers is answered `431`.

use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};

/// How long a connection may take to send a request head: 5 s. A
/// connection that has not sent its whole head by then is closed, so
/// half-open connections cannot pile up.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `routes` (for `App::configure`) on `listener`, one worker per
/// CPU, until the process is asked to stop (Ctrl-C, `SIGTERM`).
///
/// # Errors
/// When `listener` cannot be used.
pub fn serve<F>(listener: std::net::TcpListener, routes: F) -> std::io::Result<Server>
where
    F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    Ok(
        HttpServer::new(move || App::new().configure(routes.clone()))
            .client_request_timeout(HEAD_TIMEOUT)
            .listen(listener)?
            .run(),
    )
}
