//! One HTTP exchange, timed.

use std::time::{Duration, Instant};

use claimkit::testing::PluginCall;

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
    let request = if method == "GET" {
        let separator = if url.contains('?') { '&' } else { '?' };
        ureq::http::Request::get(format!("{url}{separator}{}", call.query())).body(Vec::new())
    } else {
        ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("content-type", "application/json")
            .body(call.json())
    };
    let request = request.map_err(|err| Failure::Connection(err.to_string()))?;
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
