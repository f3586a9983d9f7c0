//! actix-web's request payload, read the way `claimkit-tokio` reads every
//! body.

use std::future::poll_fn;
use std::pin::Pin;

use actix_web::body::{to_bytes_limited, BodyStream};
use actix_web::dev::Payload;
use actix_web::web::Bytes;
use claimkit::Error;
use claimkit_tokio::body::{RequestBody, Unread};
use futures_core::Stream;

/// Reads `payload` as the core allows it (see
/// [`claimkit_tokio::body::read_allowed`]).
pub(crate) async fn read_allowed(
    payload: Payload,
    content_length: Option<&[u8]>,
    allowance: Result<usize, Error>,
) -> Result<Bytes, Error> {
    claimkit_tokio::body::read_allowed(ActixBody(payload), content_length, allowance).await
}

/// An actix-web payload, as `claimkit-tokio` reads it.
struct ActixBody(Payload);

impl RequestBody for ActixBody {
    type Bytes = Bytes;

    async fn read_within(&mut self, limit: usize) -> Result<Bytes, Unread> {
        match to_bytes_limited(BodyStream::new(&mut self.0), limit).await {
            Ok(Ok(body)) => Ok(body),
            Ok(Err(_)) => Err(Unread::Unreadable),
            Err(_) => Err(Unread::TooLarge),
        }
    }

    async fn next_chunk(&mut self) -> Option<usize> {
        let chunk = poll_fn(|cx| Pin::new(&mut self.0).poll_next(cx)).await?;
        chunk.ok().map(|chunk| chunk.len())
    }
}
