//! Run with: cargo run --release -p bench-baselines --bin baseline-actix
//!
//! `POST /plugins/stateless` by hand with actix-web; `BIND` (default
//! `127.0.0.1:3101`), `PLUGIN_SECRET`.

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpResponse, HttpServer};

async fn stateless(secret: web::Data<Vec<u8>>, body: web::Bytes) -> HttpResponse {
    let (status, body) = bench_baselines::answer(&body, &secret);
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type("application/json")
        .body(body)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3101".to_owned());
    let secret = web::Data::new(bench_baselines::secret());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(secret.clone())
            .route("/plugins/stateless", web::post().to(stateless))
    })
    .bind(&bind)?;
    println!("baseline actix listening on http://{bind}");
    server.run().await
}
