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
    /// The connection failed.
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

/// An HTTP client with TLS, for `http://` and `https://` URLs.
///
/// # Errors
/// When the TLS configuration cannot be built.
pub fn client() -> Result<reqwest::Client, String> {
    // One process-wide crypto provider; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("claimkit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| format!("could not set up the HTTP client: {err}"))
}

/// Sends a plugin call the way the platform does: an axios query for `GET`,
/// a JSON body otherwise.
pub async fn send_call(
    client: &reqwest::Client,
    url: &str,
    method: &str,
    call: &PluginCall,
    deadline: Duration,
) -> Result<Exchange, Failure> {
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|err| Failure::Connection(err.to_string()))?;
    let request = if method == reqwest::Method::GET {
        let separator = if url.contains('?') { '&' } else { '?' };
        client.request(method, format!("{url}{separator}{}", call.query()))
    } else {
        client
            .request(method, url)
            .header("content-type", "application/json")
            .body(call.json())
    };
    exchange(request, deadline).await
}

/// Sends a request and reads the whole answer within `deadline`.
pub async fn exchange(
    request: reqwest::RequestBuilder,
    deadline: Duration,
) -> Result<Exchange, Failure> {
    let started = Instant::now();
    let answer = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, body.to_vec()))
    };
    match tokio::time::timeout(deadline, answer).await {
        Err(_) => Err(Failure::Timeout(deadline)),
        Ok(Err(err)) => Err(Failure::Connection(describe(&err))),
        Ok(Ok((status, body))) => Ok(Exchange {
            status,
            body,
            latency: started.elapsed(),
        }),
    }
}

/// The error and its causes on one line.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
