//! The server's metrics, for Prometheus at `/metrics`: the process's
//! recorder is `metrics-exporter-prometheus`'s, installed before the routes
//! serve their first call (a plugin route makes its handles then).

use std::time::Duration;

use actix_web::{web, HttpResponse};
use claimkit::metrics::{
    CALL_SECONDS_BUCKETS, PLUGIN_CALL_SECONDS, STORE_DURATION, STORE_SECONDS_BUCKETS,
};
use claimkit::ErrorKind;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The content type of the Prometheus text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4";

/// How often recorded latencies are folded into their histograms when no
/// one scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// Installs the Prometheus recorder as the process's, unless `METRICS` is
/// `off`: with it, nothing is recorded and `/metrics` is not served.
/// [`PLUGIN_CALL_SECONDS`] gets the buckets [`CALL_SECONDS_BUCKETS`],
/// [`STORE_DURATION`] [`STORE_SECONDS_BUCKETS`]. Call
/// it before serving, once per process.
///
/// # Errors
/// When `METRICS` is neither `on` nor `off`, or a recorder is installed
/// already.
pub fn install_recorder() -> Result<Option<PrometheusHandle>, claimkit::Error> {
    match std::env::var("METRICS").as_deref() {
        Err(_) | Ok("on") => {}
        Ok("off") => return Ok(None),
        Ok(_) => {
            return Err(claimkit::Error::with_message(
                ErrorKind::InvalidConfig,
                "METRICS must be on or off",
            ))
        }
    }
    let invalid = |err: metrics_exporter_prometheus::BuildError| {
        claimkit::Error::with_message(ErrorKind::InvalidConfig, err.to_string()).with_source(err)
    };
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(PLUGIN_CALL_SECONDS.to_owned()),
            CALL_SECONDS_BUCKETS,
        )
        .map_err(invalid)?
        .set_buckets_for_metric(
            Matcher::Full(STORE_DURATION.to_owned()),
            STORE_SECONDS_BUCKETS,
        )
        .map_err(invalid)?
        .install_recorder()
        .map_err(invalid)?;
    Ok(Some(handle))
}

/// `GET /metrics`: what `handle`'s recorder holds, in the Prometheus text
/// format, for `App::configure`.
pub fn metrics(handle: PrometheusHandle) -> impl Fn(&mut web::ServiceConfig) + Clone + Send {
    move |routes: &mut web::ServiceConfig| {
        let handle = handle.clone();
        routes.route(
            "/metrics",
            web::get().to(move || {
                let text = handle.render();
                async move { HttpResponse::Ok().content_type(TEXT_FORMAT).body(text) }
            }),
        );
    }
}

/// Folds recorded latencies into their histograms every few seconds, so
/// that a server no one scrapes does not keep them all: run it as a task
/// for as long as the server runs.
pub async fn upkeep(handle: PrometheusHandle) {
    let mut every = tokio::time::interval(UPKEEP);
    loop {
        every.tick().await;
        handle.run_upkeep();
    }
}
