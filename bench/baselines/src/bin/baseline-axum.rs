//! Run with: cargo run --release -p bench-baselines --bin baseline-axum
//!
//! `POST /plugins/stateless` by hand with axum; `BIND` (default
//! `127.0.0.1:3100`), `PLUGIN_SECRET`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;

async fn stateless(State(secret): State<Arc<Vec<u8>>>, body: Bytes) -> impl IntoResponse {
    let (status, body) = bench_baselines::answer(&body, &secret);
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3100".to_owned());
    let app = Router::new()
        .route("/plugins/stateless", post(stateless))
        .with_state(Arc::new(bench_baselines::secret()));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!(
        "baseline axum listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}
