//! A keep-alive HTTP/1.1 client as Node's default agent (and so axios) is
//! one, and the check that a refused body does not cost the next request.
//!
//! The client sends each request on the connection the previous answer
//! left open, unless that answer said `Connection: close` or the
//! connection failed; it writes a body whole, without `Expect:
//! 100-continue`, while it reads the answer. A server that closes after an
//! answer without saying so makes such a client write its next request into
//! a closed connection.

use std::net::SocketAddr;
use std::time::Duration;

use claimkit::testing::PluginCall;
use claimkit::DRAIN_LIMIT;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long one exchange may take.
const EXCHANGE: Duration = Duration::from_secs(10);

/// One answer, and the connection that carried it.
#[derive(Debug)]
pub struct Answer {
    /// The status line and headers, without the blank line.
    pub head: String,
    /// The body, `Content-Length` bytes of it.
    pub body: Vec<u8>,
    /// Which connection carried it: 1 for the client's first, and so on.
    pub connection: usize,
}

impl Answer {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.head
            .split(' ')
            .nth(1)
            .and_then(|status| status.parse().ok())
            .unwrap_or(0)
    }

    /// The value of header `name`, if the answer has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// Whether the answer says the server closes the connection after it.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

/// A client that keeps its connection open between requests.
#[derive(Debug)]
pub struct KeepAlive {
    address: SocketAddr,
    open: Option<TcpStream>,
    connections: usize,
}

impl KeepAlive {
    /// A client of the server at `address`, with no connection yet.
    pub fn new(address: SocketAddr) -> Self {
        Self {
            address,
            open: None,
            connections: 0,
        }
    }

    /// Sends a `POST` of `body` to `path` and reads the answer, on the open
    /// connection or a new one. The connection is kept for the next request
    /// unless the answer says `Connection: close` or anything failed.
    ///
    /// # Errors
    /// When the connection fails or closes before a whole answer is read.
    pub async fn post(&mut self, path: &str, body: &[u8]) -> std::io::Result<Answer> {
        let mut stream = match self.open.take() {
            Some(stream) => stream,
            None => {
                self.connections += 1;
                TcpStream::connect(self.address).await?
            }
        };
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        let (mut read, mut write) = stream.split();
        let writing = async {
            write.write_all(head.as_bytes()).await?;
            write.write_all(body).await
        };
        let (written, answer) = tokio::time::timeout(EXCHANGE, async {
            tokio::join!(writing, read_answer(&mut read))
        })
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?;
        let (head, body) = answer?;
        let answer = Answer {
            head,
            body,
            connection: self.connections,
        };
        if written.is_ok() && !answer.closes() {
            self.open = Some(stream);
        }
        Ok(answer)
    }
}

/// Reads one answer with a `Content-Length` body.
async fn read_answer(
    read: &mut tokio::net::tcp::ReadHalf<'_>,
) -> std::io::Result<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let mut chunk = [0; 4096];
        let n = read.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .ok_or_else(|| std::io::Error::other(format!("no content-length: {head}")))?;
    let mut body = buffer.split_off(end + 4);
    while body.len() < length {
        let mut chunk = [0; 4096];
        let n = read.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok((head, body))
}

/// A body past the drain cap ([`DRAIN_LIMIT`]): a server refuses it
/// without reading it whole, so it cannot read another request from that
/// connection.
pub fn over_the_drain_cap() -> Vec<u8> {
    vec![b' '; usize::try_from(DRAIN_LIMIT).unwrap() + 1024 * 1024]
}

/// A keep-alive client posts a body past the drain cap to the plugin at
/// `path`, then a valid call (with `secret`): the refusal says
/// `Connection: close`, and the valid call is answered `200`, on a new
/// connection.
///
/// The client may lose the refusal itself to a reset (the server closes
/// while the client still writes); the valid call after it is never lost.
pub async fn a_refused_body_costs_no_next_request(address: SocketAddr, path: &str, secret: &str) {
    let mut client = KeepAlive::new(address);
    match client.post(path, &over_the_drain_cap()).await {
        Ok(refused) => {
            assert_eq!(refused.status(), 413, "{}", refused.head);
            assert!(
                refused.closes(),
                "a 413 that leaves the body unread says `Connection: close`: {}",
                refused.head
            );
        }
        // Reset while writing: the client drops the connection, as Node
        // does, and the refusal is not there to check.
        Err(err) => eprintln!("the refusal was lost to a reset: {err}"),
    }
    let call = PluginCall::executing("keep-alive-1").with_secret(secret);
    let next = client
        .post(path, &call.json())
        .await
        .expect("the request after a refused body is answered");
    assert_eq!(
        (next.status(), next.body.as_slice()),
        (200, &b"{}"[..]),
        "{}",
        next.head
    );
    assert_eq!(next.connection, 2, "it went out on a new connection");
}

/// Writes the head that declares a body past the drain cap and nothing
/// more, and reads the refusal: it says `Connection: close`, and the
/// server then closes the connection.
pub async fn a_refused_head_says_the_connection_closes(address: SocketAddr, path: &str) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        over_the_drain_cap().len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(EXCHANGE, stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes in time")
        .expect("the connection closes cleanly after the answer");
    let answer = String::from_utf8(answer).unwrap();
    let (head, _) = answer.split_once("\r\n\r\n").expect("a whole answer");
    let refused = Answer {
        head: head.to_owned(),
        body: Vec::new(),
        connection: 1,
    };
    assert_eq!(refused.status(), 413, "{head}");
    assert!(refused.closes(), "no `Connection: close`: {head}");
    let said = head
        .lines()
        .filter(|line| line.to_ascii_lowercase().starts_with("connection:"))
        .count();
    assert_eq!(said, 1, "one `Connection` header: {head}");
}
