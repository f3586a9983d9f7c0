//! Reading a request body within its limit, and draining one that is
//! refused.

use std::future::poll_fn;
use std::pin::Pin;

use actix_web::body::{to_bytes_limited, BodyStream};
use actix_web::dev::Payload;
use actix_web::web::Bytes;
use claimkit::{Drain, Error};
use futures_core::Stream;

/// Reads a body, stopping as soon as it passes `limit` bytes; the rest of a
/// body over the limit is drained before the `413` goes out.
pub(crate) async fn read_body(mut payload: Payload, limit: usize) -> Result<Bytes, Error> {
    match to_bytes_limited(BodyStream::new(&mut payload), limit).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(_)) => Err(Error::unreadable_body()),
        Err(_) => {
            drain(payload, Drain::new()).await;
            Err(Error::body_too_large(limit))
        }
    }
}

/// Reads a webhook body as the gate allows it
/// ([`WebhookGate::receive`](claimkit::signature::WebhookGate::receive)):
/// within `Ok(limit)`, or, for a head the gate refused, drained before the
/// refusal is handed back.
pub(crate) async fn read_allowed(
    payload: Payload,
    content_length: Option<&[u8]>,
    allowance: Result<usize, Error>,
) -> Result<Bytes, Error> {
    match allowance {
        Ok(limit) => read_body(payload, limit).await,
        Err(err) => Err(refuse(payload, content_length, err).await),
    }
}

/// Drains the body of a request refused on its head (`content_length` is
/// its raw `Content-Length`), then hands `err` back to be answered.
pub(crate) async fn refuse(payload: Payload, content_length: Option<&[u8]>, err: Error) -> Error {
    if let Some(rest) = Drain::after_head(content_length) {
        drain(payload, rest).await;
    }
    err
}

/// Reads and drops the rest of `payload`, chunk by chunk, within the
/// bounds of `rest` ([`Drain`]).
async fn drain(mut payload: Payload, mut rest: Drain) {
    let time_limit = rest.time_limit();
    let read = async {
        while let Some(Ok(chunk)) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
            if !rest.discard(chunk.len()) {
                break;
            }
        }
    };
    if actix_web::rt::time::timeout(time_limit, read)
        .await
        .is_err()
    {
        tracing::debug!("a refused body was still arriving when its drain time ran out");
    }
}
