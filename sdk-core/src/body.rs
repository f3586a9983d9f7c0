//! A request body not yet read, as the core reads it: whole within a limit,
//! or drained when it is refused.

use std::future::Future;

use crate::{Drain, Error};

/// A request body not yet read, as a framework adapter hands it to the core
/// ([`PluginConfig::receive`](crate::PluginConfig::receive),
/// [`WebhookGate::receive`](crate::signature::WebhookGate::receive)).
///
/// An adapter supplies the two steps only its framework and runtime know:
/// reading a whole body that stops past a limit, and reading the rest of a
/// refused body to throw it away. The core decides when each happens: a
/// body is read once, after its head passed; a body over the limit, or one
/// whose head was refused, is drained within [`Drain`]'s bounds before the
/// refusal answers; a `GET`'s body is never touched.
///
/// A byte slice is a body already read, for tests and callers that hold
/// the bytes:
///
/// ```
/// use claimkit::{PluginConfig, RawInputs, Secret};
/// # futures_executor::block_on(async {
/// let config = PluginConfig::new(Secret::new("s3cret")?).with_body_limit(64);
/// let headers: &[(&str, &[u8])] = &[];
/// let body: &[u8] = br#"{"pluginSecret":"s3cret","claimId":"c1"}"#;
/// let request = config
///     .receive::<RawInputs, _, _>("POST", None, None, b"", headers, body)
///     .await?;
/// assert_eq!(request.claim_id(), Some("c1"));
///
/// let long: &[u8] = &[b' '; 65];
/// let refused = config
///     .receive::<RawInputs, _, _>("POST", None, None, b"", headers, long)
///     .await;
/// assert_eq!(refused.unwrap_err().status(), 413);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub trait RequestBody {
    /// The bytes of a body read whole.
    type Bytes: AsRef<[u8]>;

    /// Reads the whole body, stopping as soon as it passes `limit` bytes.
    ///
    /// # Errors
    /// [`Unread::TooLarge`] past the limit, [`Unread::Unreadable`] when the
    /// body could not be read (the client went away mid-body, broken
    /// framing).
    fn read_within(&mut self, limit: usize) -> impl Future<Output = Result<Self::Bytes, Unread>>;

    /// Reads the rest of the body and throws it away, chunk by chunk,
    /// within the bounds of `rest`: at most [`Drain::discard`]'s bytes and
    /// for at most [`Drain::time_limit`].
    fn drain(self, rest: Drain) -> impl Future<Output = ()>;
}

/// Why [`RequestBody::read_within`] did not read a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// The body passed the limit.
    TooLarge,
    /// The body could not be read.
    Unreadable,
}

impl<'a> RequestBody for &'a [u8] {
    type Bytes = &'a [u8];

    async fn read_within(&mut self, limit: usize) -> Result<&'a [u8], Unread> {
        if self.len() > limit {
            Err(Unread::TooLarge)
        } else {
            Ok(self)
        }
    }

    /// Nothing is left to read.
    async fn drain(self, _rest: Drain) {}
}

/// Reads `body` whole within `limit`; the rest of a body over the limit is
/// drained before the `413` goes out.
///
/// # Errors
/// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) past the
/// limit, [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) for
/// a body that could not be read.
pub(crate) async fn read<B: RequestBody>(mut body: B, limit: usize) -> Result<B::Bytes, Error> {
    match body.read_within(limit).await {
        Ok(bytes) => Ok(bytes),
        Err(Unread::TooLarge) => {
            body.drain(Drain::new()).await;
            Err(Error::body_too_large(limit))
        }
        Err(Unread::Unreadable) => Err(Error::unreadable_body()),
    }
}

/// Drains the body of a request whose head was refused, within the bounds
/// its raw `Content-Length` sets ([`Drain::after_head`]), and hands the
/// refusal back.
pub(crate) async fn refuse<B: RequestBody>(
    body: B,
    content_length: Option<&[u8]>,
    refusal: Error,
) -> Error {
    if let Some(rest) = Drain::after_head(content_length) {
        body.drain(rest).await;
    }
    refusal
}

#[cfg(test)]
mod tests {
    use futures_executor::block_on;

    use super::*;
    use crate::{ErrorKind, DRAIN_LIMIT};

    /// A body of `chunks`, counting what was read of it.
    #[derive(Default)]
    struct Chunks {
        chunks: Vec<usize>,
        taken: usize,
    }

    impl Chunks {
        fn next(&mut self) -> Option<usize> {
            let chunk = *self.chunks.get(self.taken)?;
            self.taken += 1;
            Some(chunk)
        }
    }

    impl RequestBody for &mut Chunks {
        type Bytes = Vec<u8>;

        async fn read_within(&mut self, limit: usize) -> Result<Vec<u8>, Unread> {
            let mut read = 0;
            while let Some(chunk) = self.next() {
                read += chunk;
                if read > limit {
                    return Err(Unread::TooLarge);
                }
            }
            Ok(vec![0; read])
        }

        async fn drain(self, mut rest: Drain) {
            while let Some(chunk) = self.next() {
                if !rest.discard(chunk) {
                    break;
                }
            }
        }
    }

    fn body(chunks: &[usize]) -> Chunks {
        Chunks {
            chunks: chunks.to_vec(),
            taken: 0,
        }
    }

    #[test]
    fn a_body_is_read_within_its_limit_and_drained_past_it() {
        block_on(async {
            let read = read(&mut body(&[3, 4]), 7).await.unwrap();
            assert_eq!(read.len(), 7);
            let mut over = body(&[5, 5, 5, 5]);
            let err = super::read(&mut over, 7).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
            assert_eq!(over.taken, 4, "the rest is drained");
        });
    }

    #[test]
    fn a_refused_head_is_drained_within_its_declared_length() {
        block_on(async {
            let refusal = Error::new(ErrorKind::UnsupportedMediaType);
            let mut refused = body(&[4, 4, 4]);
            let err = refuse(&mut refused, Some(b"6"), refusal.clone()).await;
            assert_eq!(err, refusal);
            assert_eq!(refused.taken, 2, "stopped once past the declared 6 bytes");
            let declared = (DRAIN_LIMIT + 1).to_string();
            let mut huge = body(&[4]);
            refuse(&mut huge, Some(declared.as_bytes()), refusal).await;
            assert_eq!(huge.taken, 0, "too long to be worth draining");
        });
    }

    #[test]
    fn a_slice_is_a_body_read_already() {
        block_on(async {
            let mut bytes: &[u8] = b"12345";
            assert_eq!(bytes.read_within(5).await, Ok(&b"12345"[..]));
            assert_eq!(bytes.read_within(4).await, Err(Unread::TooLarge));
            let err = read(bytes, 4).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
        });
    }
}
