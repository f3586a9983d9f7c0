//! Reading a request body within its limit, and draining one that is
//! refused: the same steps for every adapter, timed by Tokio.

use std::future::Future;

use claimkit::{Drain, Error};

/// A request body not yet read, as a framework adapter hands it over: the
/// one piece of body reading each framework supplies (axum's `Body`,
/// actix-web's `Payload`); [`read_allowed`] does the rest.
pub trait RequestBody {
    /// The bytes of a body read whole.
    type Bytes: AsRef<[u8]>;

    /// Reads the whole body, stopping as soon as it passes `limit` bytes.
    ///
    /// # Errors
    /// [`Unread::TooLarge`] past the limit, [`Unread::Unreadable`] when the
    /// body could not be read (the client went away mid-body).
    fn read_within(&mut self, limit: usize) -> impl Future<Output = Result<Self::Bytes, Unread>>;

    /// The length of the next chunk of data, to be thrown away; `None` at
    /// the end of the body or on an error.
    fn next_chunk(&mut self) -> impl Future<Output = Option<usize>>;
}

/// Why [`RequestBody::read_within`] did not read a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// The body passed the limit.
    TooLarge,
    /// The body could not be read.
    Unreadable,
}

/// Reads a body as the core allows it
/// ([`WebhookGate::receive`](claimkit::signature::WebhookGate::receive),
/// [`PluginConfig::receive`](claimkit::PluginConfig::receive)): within
/// `Ok(limit)`, or, for a head the core refused, drained before the refusal
/// is handed back (`content_length` is the raw `Content-Length`, which
/// bounds the drain). The rest of a body over the limit is drained too
/// before the `413` goes out. See [`Drain`] for why and how far.
///
/// # Errors
/// The refusal it was given; [`claimkit::ErrorKind::BodyTooLarge`] past the
/// limit; [`claimkit::ErrorKind::MalformedBody`] for a body that could not
/// be read.
pub async fn read_allowed<B: RequestBody>(
    mut body: B,
    content_length: Option<&[u8]>,
    allowance: Result<usize, Error>,
) -> Result<B::Bytes, Error> {
    match allowance {
        Ok(limit) => match body.read_within(limit).await {
            Ok(bytes) => Ok(bytes),
            Err(Unread::TooLarge) => {
                drain(body, Drain::new()).await;
                Err(Error::body_too_large(limit))
            }
            Err(Unread::Unreadable) => Err(Error::unreadable_body()),
        },
        Err(refusal) => {
            if let Some(rest) = Drain::after_head(content_length) {
                drain(body, rest).await;
            }
            Err(refusal)
        }
    }
}

/// Reads and drops the rest of `body`, chunk by chunk, within the bounds of
/// `rest`.
async fn drain<B: RequestBody>(mut body: B, mut rest: Drain) {
    let time_limit = rest.time_limit();
    let read = async {
        while let Some(chunk) = body.next_chunk().await {
            if !rest.discard(chunk) {
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
    use super::*;
    use claimkit::ErrorKind;

    /// A body of `chunks`, counting what was read of it.
    struct Chunks {
        chunks: Vec<usize>,
        taken: usize,
    }

    impl RequestBody for Chunks {
        type Bytes = Vec<u8>;

        async fn read_within(&mut self, limit: usize) -> Result<Vec<u8>, Unread> {
            let mut read = 0;
            while let Some(chunk) = self.next_chunk().await {
                read += chunk;
                if read > limit {
                    return Err(Unread::TooLarge);
                }
            }
            Ok(vec![0; read])
        }

        async fn next_chunk(&mut self) -> Option<usize> {
            let chunk = *self.chunks.get(self.taken)?;
            self.taken += 1;
            Some(chunk)
        }
    }

    fn body(chunks: &[usize]) -> Chunks {
        Chunks {
            chunks: chunks.to_vec(),
            taken: 0,
        }
    }

    #[tokio::test]
    async fn a_body_is_read_within_its_limit_and_drained_past_it() {
        let read = read_allowed(body(&[3, 4]), None, Ok(7)).await.unwrap();
        assert_eq!(read.len(), 7);
        let mut over = body(&[5, 5, 5, 5]);
        let err = read_allowed(&mut over, None, Ok(7)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
        assert_eq!(over.taken, 4, "the rest is drained");
    }

    #[tokio::test]
    async fn a_refused_head_is_drained_within_its_declared_length() {
        let refusal = Error::new(ErrorKind::UnsupportedMediaType);
        let mut refused = body(&[4, 4, 4]);
        let err = read_allowed(&mut refused, Some(b"6"), Err(refusal.clone()))
            .await
            .unwrap_err();
        assert_eq!(err, refusal);
        assert_eq!(refused.taken, 2, "stopped once past the declared 6 bytes");
        let declared = (claimkit::DRAIN_LIMIT + 1).to_string();
        let mut huge = body(&[4]);
        read_allowed(&mut huge, Some(declared.as_bytes()), Err(refusal))
            .await
            .unwrap_err();
        assert_eq!(huge.taken, 0, "too long to be worth draining");
    }

    impl<B: RequestBody> RequestBody for &mut B {
        type Bytes = B::Bytes;

        fn read_within(&mut self, limit: usize) -> impl Future<Output = Result<B::Bytes, Unread>> {
            (**self).read_within(limit)
        }

        fn next_chunk(&mut self) -> impl Future<Output = Option<usize>> {
            (**self).next_chunk()
        }
    }
}
