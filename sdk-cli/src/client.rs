//! One HTTP exchange, timed.

use std::time::{Duration, Instant};

use claimkit::testing::{now_millis, sign_request, PluginCall};

/// What a server answered, and how long it took.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// From sending the request to the end of the body.
    pub latency: Duration,
}

/// Why an exchange has no answer.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Nothing came back within the deadline.
    Timeout(Duration),
    /// The request could not be made, or the connection failed.
    Connection(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout(deadline) => {
                write!(f, "no answer within {:.1} s", deadline.as_secs_f64())
            }
            Failure::Connection(reason) => write!(f, "request failed: {reason}"),
        }
    }
}

/// The largest answer read.
const MAX_ANSWER: u64 = 10 * 1024 * 1024;

/// An HTTP client for `http://` and `https://` URLs, giving up on an
/// exchange after `deadline`. Every status is an answer, not an error.
pub fn client(deadline: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(deadline))
        .http_status_as_error(false)
        .user_agent(concat!("claimkit/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Sends a plugin call the way the platform does: an axios query for `GET`,
/// a JSON body otherwise.
pub fn send_call(
    agent: &ureq::Agent,
    url: &str,
    method: &str,
    call: &PluginCall,
) -> Result<Exchange, Failure> {
    send_signed_call(agent, url, method, call, None)
}

/// [`send_call`], signed with `secret` (the `X-BitBadges-Signature`
/// headers over the raw body, or a `GET`'s query string) when it is given.
pub fn send_signed_call(
    agent: &ureq::Agent,
    url: &str,
    method: &str,
    call: &PluginCall,
    secret: Option<&str>,
) -> Result<Exchange, Failure> {
    let (builder, raw) = if method == "GET" {
        let query = call.query();
        let separator = if url.contains('?') { '&' } else { '?' };
        (
            ureq::http::Request::get(format!("{url}{separator}{query}")),
            (query.into_bytes(), Vec::new()),
        )
    } else {
        let body = call.json();
        (
            ureq::http::Request::builder()
                .method(method)
                .uri(url)
                .header("content-type", "application/json"),
            (body.clone(), body),
        )
    };
    let (signed, body) = raw;
    let builder = match secret {
        Some(secret) => sign_request(secret, now_millis(), &signed)
            .into_iter()
            .fold(builder, |builder, (name, value)| {
                builder.header(name, value)
            }),
        None => builder,
    };
    let request = builder
        .body(body)
        .map_err(|err| Failure::Connection(err.to_string()))?;
    exchange(agent, request)
}

/// Sends a request and reads the whole answer.
pub fn exchange(
    agent: &ureq::Agent,
    request: ureq::http::Request<Vec<u8>>,
) -> Result<Exchange, Failure> {
    let started = Instant::now();
    let answer = agent.run(request).and_then(|mut response| {
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()?;
        Ok((status, body))
    });
    match answer {
        Ok((status, body)) => Ok(Exchange {
            status,
            body,
            latency: started.elapsed(),
        }),
        Err(ureq::Error::Timeout(_)) => Err(Failure::Timeout(
            agent.config().timeouts().global.unwrap_or_default(),
        )),
        Err(err) => Err(Failure::Connection(err.to_string())),
    }
}

/// What a CORS preflight was answered.
#[derive(Debug, Clone)]
pub struct Preflight {
    /// The status code.
    pub status: u16,
    /// `access-control-allow-origin`.
    pub allow_origin: Option<String>,
    /// `access-control-allow-methods`.
    pub allow_methods: Option<String>,
    /// `access-control-allow-headers`.
    pub allow_headers: Option<String>,
    /// How long the answer took.
    pub latency: Duration,
}

/// The preflight a browser at `origin` sends before calling `url` with
/// `method`, `Content-Type` and the `X-BitBadges-*` headers.
///
/// # Errors
/// When nothing comes back within the agent's deadline or the connection
/// fails.
pub fn preflight(
    agent: &ureq::Agent,
    url: &str,
    origin: &str,
    method: &str,
) -> Result<Preflight, Failure> {
    let request = ureq::http::Request::builder()
        .method("OPTIONS")
        .uri(url)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            claimkit::CORS_ALLOWED_HEADERS.join(","),
        )
        .body(Vec::new())
        .map_err(|err| Failure::Connection(err.to_string()))?;
    let started = Instant::now();
    match agent.run(request) {
        Ok(response) => {
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            Ok(Preflight {
                status: response.status().as_u16(),
                allow_origin: header("access-control-allow-origin"),
                allow_methods: header("access-control-allow-methods"),
                allow_headers: header("access-control-allow-headers"),
                latency: started.elapsed(),
            })
        }
        Err(ureq::Error::Timeout(_)) => Err(Failure::Timeout(
            agent.config().timeouts().global.unwrap_or_default(),
        )),
        Err(err) => Err(Failure::Connection(err.to_string())),
    }
}
