//! actix-web's request payload, as the core reads it.

use actix_web::body::{to_bytes_limited, BodyStream};
use actix_web::dev::Payload;
use actix_web::web::Bytes;
use claimkit::{Drain, RequestBody, Unread};

/// An actix-web payload, as the core reads it
/// ([`PluginConfig::receive`](claimkit::PluginConfig::receive),
/// [`WebhookGate::receive`](claimkit::signature::WebhookGate::receive)):
/// whole within a limit with `to_bytes_limited`, or drained on Tokio's
/// timer by [`claimkit_tokio::body::drain`].
pub(crate) struct ActixBody(pub(crate) Payload);

impl RequestBody for ActixBody {
    type Bytes = Bytes;

    async fn read_within(&mut self, limit: usize) -> Result<Bytes, Unread> {
        match to_bytes_limited(BodyStream::new(&mut self.0), limit).await {
            Ok(Ok(body)) => Ok(body),
            Ok(Err(_)) => Err(Unread::Unreadable),
            Err(_) => Err(Unread::TooLarge),
        }
    }

    async fn drain(self, rest: Drain) {
        // A payload is a stream of chunks.
        claimkit_tokio::body::drain(self.0, rest).await;
    }
}
