//! axum's request body, as the core reads it.

use axum::body::{Body, Bytes};
use claimkit::{Drain, RequestBody, Unread};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// An axum body, as the core reads it
/// ([`PluginConfig::receive`](claimkit::PluginConfig::receive),
/// [`WebhookGate::receive`](claimkit::signature::WebhookGate::receive)):
/// whole within a limit with `http-body`'s `Limited`, or drained on Tokio's
/// timer by [`claimkit_tokio::body::drain`].
pub(crate) struct AxumBody(pub(crate) Body);

impl RequestBody for AxumBody {
    type Bytes = Bytes;

    async fn read_within(&mut self, limit: usize) -> Result<Bytes, Unread> {
        match Limited::new(&mut self.0, limit).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => Err(Unread::TooLarge),
            Err(_) => Err(Unread::Unreadable),
        }
    }

    async fn drain(self, rest: Drain) {
        // The data frames only: trailers are no data.
        claimkit_tokio::body::drain(self.0.into_data_stream(), rest).await;
    }
}
