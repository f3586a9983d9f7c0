//! axum's request body, read the way `claimkit-tokio` reads every body.

use axum::body::{Body, Bytes};
use claimkit::Error;
use claimkit_tokio::body::{RequestBody, Unread};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Reads `body` as the core allows it (see
/// [`claimkit_tokio::body::read_allowed`]).
pub(crate) async fn read_allowed(
    body: Body,
    content_length: Option<&[u8]>,
    allowance: Result<usize, Error>,
) -> Result<Bytes, Error> {
    claimkit_tokio::body::read_allowed(AxumBody(body), content_length, allowance).await
}

/// An axum body, as `claimkit-tokio` reads it.
struct AxumBody(Body);

impl RequestBody for AxumBody {
    type Bytes = Bytes;

    async fn read_within(&mut self, limit: usize) -> Result<Bytes, Unread> {
        match Limited::new(&mut self.0, limit).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => Err(Unread::TooLarge),
            Err(_) => Err(Unread::Unreadable),
        }
    }

    async fn next_chunk(&mut self) -> Option<usize> {
        loop {
            // Trailers are no data: skipped.
            if let Ok(data) = self.0.frame().await?.ok()?.into_data() {
                return Some(data.len());
            }
        }
    }
}
