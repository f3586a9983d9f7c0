//! Reading a request body within its limit, and draining one that is
//! refused.

use axum::body::{Body, Bytes};
use claimkit::{Drain, Error};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Reads a body, stopping as soon as it passes `limit` bytes; the rest of a
/// body over the limit is drained before the `413` goes out.
pub(crate) async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, Error> {
    match Limited::new(&mut body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            drain(body, Drain::new()).await;
            Err(Error::body_too_large(limit))
        }
        Err(_) => Err(Error::unreadable_body()),
    }
}

/// Reads a webhook body as the gate allows it
/// ([`WebhookGate::receive`](claimkit::signature::WebhookGate::receive)):
/// within `Ok(limit)`, or, for a head the gate refused, drained before the
/// refusal is handed back.
pub(crate) async fn read_allowed(
    body: Body,
    content_length: Option<&[u8]>,
    allowance: Result<usize, Error>,
) -> Result<Bytes, Error> {
    match allowance {
        Ok(limit) => read_body(body, limit).await,
        Err(err) => Err(refuse(body, content_length, err).await),
    }
}

/// Drains the body of a request refused on its head (`content_length` is
/// its raw `Content-Length`), then hands `err` back to be answered.
pub(crate) async fn refuse(body: Body, content_length: Option<&[u8]>, err: Error) -> Error {
    if let Some(rest) = Drain::after_head(content_length) {
        drain(body, rest).await;
    }
    err
}

/// Reads and drops the rest of `body`, chunk by chunk, within the bounds of
/// `rest` ([`Drain`]).
async fn drain(mut body: Body, mut rest: Drain) {
    let time_limit = rest.time_limit();
    let read = async {
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if !rest.discard(data.len()) {
                break;
            }
        }
    };
    if tokio::time::timeout(time_limit, read).await.is_err() {
        tracing::debug!("a refused body was still arriving when its drain time ran out");
    }
}
