//! Serving an example's routes on a free loopback port, for tests.

use std::net::SocketAddr;

/// Serves an axum router on a free loopback port, on the current Tokio
/// runtime.
///
/// # Panics
/// When no loopback port can be bound.
pub async fn axum(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Serves actix-web routes (for `App::configure`) on a free loopback port,
/// on a thread and actix runtime of their own, for as long as the process
/// runs.
///
/// # Panics
/// When no loopback port can be bound.
pub fn actix<F>(routes: F) -> SocketAddr
where
    F: Fn(&mut actix_web::web::ServiceConfig) + Clone + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || actix_web::App::new().configure(routes.clone()))
                .workers(1)
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run()
                .await
                .unwrap();
        });
    });
    address
}
