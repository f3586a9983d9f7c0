//! Draining a refused request body on Tokio's timer: the one step of
//! reading a body that needs a runtime, written once for every adapter.

use std::future::poll_fn;
use std::pin::pin;

use claimkit::Drain;
use futures_core::Stream;

/// Reads the chunks of a refused body and throws them away, one at a time,
/// within the bounds of `rest` ([`Drain`]: its bytes, and its time limit on
/// Tokio's timer); what each adapter's
/// [`RequestBody::drain`](claimkit::RequestBody::drain) does with its
/// framework's body seen as a stream of chunks (axum's
/// `Body::into_data_stream`, actix-web's `Payload`). It stops at the end of
/// the body, at the first error, past the limit, or when the time is up.
///
/// ```
/// use std::collections::VecDeque;
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
///
/// use claimkit::Drain;
///
/// /// The chunks a client still sends.
/// struct Chunks(VecDeque<Result<Vec<u8>, std::io::Error>>);
///
/// impl futures_core::Stream for Chunks {
///     type Item = Result<Vec<u8>, std::io::Error>;
///     fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
///         Poll::Ready(self.0.pop_front())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut body = Chunks(VecDeque::from([Ok(vec![0; 4]), Ok(vec![0; 4]), Ok(vec![0; 4])]));
/// // A refused head that declared 6 bytes: two chunks are read, the third is not.
/// claimkit_tokio::body::drain(&mut body, Drain::after_head(Some(b"6")).unwrap()).await;
/// assert_eq!(body.0.len(), 1);
/// # }
/// ```
pub async fn drain<S, D, E>(chunks: S, mut rest: Drain)
where
    S: Stream<Item = Result<D, E>>,
    D: AsRef<[u8]>,
{
    let time_limit = rest.time_limit();
    let mut chunks = pin!(chunks);
    let read = async {
        while let Some(Ok(chunk)) = poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
            if !rest.discard(chunk.as_ref().len()) {
                break;
            }
        }
    };
    if tokio::time::timeout(time_limit, read).await.is_err() {
        tracing::debug!("a refused body was still arriving when its drain time ran out");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::*;

    /// Chunks of the given lengths, then, when `pending`, a body that never
    /// ends.
    struct Chunks {
        chunks: VecDeque<Result<Vec<u8>, ()>>,
        pending: bool,
    }

    impl Stream for Chunks {
        type Item = Result<Vec<u8>, ()>;

        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            match self.chunks.pop_front() {
                Some(chunk) => Poll::Ready(Some(chunk)),
                None if self.pending => Poll::Pending,
                None => Poll::Ready(None),
            }
        }
    }

    fn chunks(lengths: &[usize], pending: bool) -> Chunks {
        Chunks {
            chunks: lengths.iter().map(|&n| Ok(vec![0; n])).collect(),
            pending,
        }
    }

    #[tokio::test]
    async fn a_drain_stops_past_its_limit_or_at_an_error() {
        let mut over = chunks(&[4, 4, 4], false);
        drain(&mut over, Drain::after_head(Some(b"6")).unwrap()).await;
        assert_eq!(
            over.chunks.len(),
            1,
            "stopped once past the declared 6 bytes"
        );

        let mut broken = chunks(&[1, 1], false);
        broken.chunks.insert(1, Err(()));
        drain(&mut broken, Drain::new()).await;
        assert_eq!(broken.chunks.len(), 1, "stopped at the error");
    }

    #[tokio::test(start_paused = true)]
    async fn a_drain_gives_up_at_its_time_limit() {
        let started = tokio::time::Instant::now();
        drain(chunks(&[1], true), Drain::new()).await;
        assert_eq!(started.elapsed(), claimkit::DRAIN_TIME);
    }
}
