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

/// Serves an axum router on a free loopback port, on a thread and Tokio
/// runtime of its own, for as long as the process runs: for a stand-in
/// of a service the example calls (a sink, a mock API), which outlives
/// any one test runtime.
///
/// # Panics
/// When no loopback port can be bound.
pub fn axum_on_its_own_thread(app: axum::Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
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
