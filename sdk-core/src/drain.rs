//! The rest of a refused request body: read and thrown away, within bounds,
//! so that the client reads the answer.

use std::time::Duration;

/// How many bytes of a refused body an adapter reads and throws away before
/// it answers: 1 MiB.
pub const DRAIN_LIMIT: u64 = 1024 * 1024;

/// How long an adapter reads a refused body before it answers all the same:
/// 2 s, well inside the plugin deadline.
pub const DRAIN_TIME: Duration = Duration::from_secs(2);

/// What an adapter does with the unread rest of a body it refuses (`413`, or
/// a head it refuses before reading the body).
///
/// A client that sends its body without `Expect: 100-continue` (Node's
/// `http` module and axios do) writes all of it before it reads the answer.
/// When a server answers and closes with part of the body still unread, the
/// client's operating system receives a reset instead of the answer, and the
/// client reports `EPIPE` or `ECONNRESET` rather than the `{"message"}`. So
/// the adapters read the rest of the body and throw it away, chunk by chunk,
/// never holding more than one chunk: up to [`DRAIN_LIMIT`] bytes and for
/// up to [`DRAIN_TIME`], then they answer. A body declared longer than the
/// limit is not drained at all: the client would be cut off anyway, and the
/// server keeps its bandwidth.
///
/// ```
/// use claimkit::{Drain, DRAIN_LIMIT};
///
/// // What an adapter does after refusing a head that declared 100 000 bytes.
/// let mut drain = Drain::after_head(Some(b"100000")).expect("worth draining");
/// while drain.discard(16 * 1024) {
///     // read the next chunk and drop it
/// }
///
/// // A body declared longer than the limit is not drained.
/// let declared = (DRAIN_LIMIT + 1).to_string();
/// assert!(Drain::after_head(Some(declared.as_bytes())).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drain {
    left: u64,
}

impl Drain {
    /// A drain of up to [`DRAIN_LIMIT`] bytes, for a body whose length is
    /// not known in advance (chunked, or partly read).
    pub fn new() -> Self {
        Self { left: DRAIN_LIMIT }
    }

    /// A drain for a body refused on its head, whose `Content-Length`
    /// header (raw value) is `content_length`: `None` when it declares more
    /// than [`DRAIN_LIMIT`] bytes or is not a number.
    pub fn after_head(content_length: Option<&[u8]>) -> Option<Self> {
        let Some(declared) = content_length else {
            return Some(Self::new());
        };
        let declared = crate::head::parse_content_length(declared)?;
        (declared <= DRAIN_LIMIT).then_some(Self { left: declared })
    }

    /// How long the adapter reads before it answers all the same:
    /// [`DRAIN_TIME`].
    pub fn time_limit(&self) -> Duration {
        DRAIN_TIME
    }

    /// Counts `bytes` read and thrown away; `false` once the drain is over
    /// its limit, when the adapter stops reading and answers.
    pub fn discard(&mut self, bytes: usize) -> bool {
        match self.left.checked_sub(bytes as u64) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }
}

impl Default for Drain {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drain_stops_past_its_limit() {
        let mut drain = Drain::new();
        assert!(drain.discard(DRAIN_LIMIT as usize - 1));
        assert!(drain.discard(1));
        assert!(!drain.discard(1));
    }

    #[test]
    fn a_declared_length_bounds_the_drain() {
        let mut drain = Drain::after_head(Some(b" 10 ")).unwrap();
        assert!(drain.discard(10));
        assert!(!drain.discard(1), "more than was declared");
        assert_eq!(Drain::after_head(None), Some(Drain::new()));
        let over = (DRAIN_LIMIT + 1).to_string();
        assert_eq!(Drain::after_head(Some(over.as_bytes())), None);
        assert_eq!(Drain::after_head(Some(b"-1")), None);
        assert_eq!(Drain::after_head(Some(b"99999999999999999999999")), None);
    }
}
