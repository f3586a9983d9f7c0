//! Receiving a plugin call: the one road every adapter's extractor takes,
//! from the head to the decoded request.

use std::future::Future;

use serde::de::DeserializeOwned;

use crate::signature::Headers;
use crate::{Error, PluginConfig, PluginRequest, Source};

impl PluginConfig {
    /// Everything before a plugin handler runs, in order: the head
    /// ([`check_head`](Self::check_head): method, content type, declared
    /// `Content-Length`), the body read by `read_body` (for a `POST`, `PUT`
    /// or `DELETE`; a `GET` carries its fields in `query`, the query string
    /// without `?`), then [`decode`](Self::decode) with the request's
    /// `headers`.
    ///
    /// `read_body` is called at most once, as by
    /// [`WebhookGate::receive`](crate::signature::WebhookGate::receive):
    /// with `Ok(limit)` to read the body and stop past `limit` bytes, or
    /// with `Err(refusal)` when the head is refused already; it may then
    /// drain what the client still sends (so that the client reads the
    /// answer); the refusal answers. A `GET`'s body is never read.
    ///
    /// Every adapter's extractor is this one call. The decoded request's
    /// claim fields are recorded in the current span
    /// ([`crate::trace::record`]); a refusal is logged
    /// ([`crate::trace::rejected`]).
    ///
    /// # Errors
    /// Those of [`check_head`](Self::check_head), of `read_body` and of
    /// [`decode`](Self::decode).
    ///
    /// ```
    /// use claimkit::{PluginConfig, RawInputs, Secret};
    /// # futures_executor::block_on(async {
    /// let config = PluginConfig::new(Secret::new("s3cret")?);
    /// let body = br#"{"pluginSecret":"s3cret","claimId":"c1"}"#;
    /// let read = |allowance: Result<usize, claimkit::Error>| async move {
    ///     allowance.map(|_limit| body.to_vec())
    /// };
    /// let headers: &[(&str, &[u8])] = &[];
    ///
    /// let request = config
    ///     .receive::<RawInputs, _, _, _, _>("POST", None, None, b"", headers, read)
    ///     .await?;
    /// assert_eq!(request.claim_id(), Some("c1"));
    ///
    /// let refused = config
    ///     .receive::<RawInputs, _, _, _, _>("PATCH", None, None, b"", headers, read)
    ///     .await;
    /// assert_eq!(refused.unwrap_err().status(), 405);
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn receive<I, H, R, F, B>(
        &self,
        method: &str,
        content_type: Option<&[u8]>,
        content_length: Option<&[u8]>,
        query: &[u8],
        headers: &H,
        read_body: R,
    ) -> Result<PluginRequest<I>, Error>
    where
        I: DeserializeOwned,
        H: Headers + ?Sized,
        R: FnOnce(Result<usize, Error>) -> F,
        F: Future<Output = Result<B, Error>>,
        B: AsRef<[u8]>,
    {
        let received = async {
            match self.check_head(method, content_type, content_length) {
                Ok(Source::Query) => self.decode(Source::Query, headers, query),
                Ok(Source::Body) => {
                    let body = read_body(Ok(self.body_limit())).await?;
                    self.decode(Source::Body, headers, body.as_ref())
                }
                Err(refusal) => {
                    // Whatever the drain says, the head's refusal answers.
                    let _drained = read_body(Err(refusal.clone())).await;
                    Err(refusal)
                }
            }
        }
        .await;
        match &received {
            Ok(request) => crate::trace::record(request),
            Err(err) => crate::trace::rejected(err),
        }
        received
    }
}

#[cfg(test)]
mod tests {
    use futures_executor::block_on;

    use crate::{ErrorKind, PluginConfig, RawInputs, Secret};

    const NO_HEADERS: &[(&str, &[u8])] = &[];

    #[test]
    fn the_body_is_read_only_when_it_carries_the_fields() {
        let config = PluginConfig::new(Secret::new("s").unwrap()).with_body_limit(64);
        let reads = std::cell::Cell::new(Vec::new());
        let read = |allowance: Result<usize, crate::Error>| {
            let mut seen = reads.take();
            seen.push(allowance.as_ref().map(|limit| *limit).map_err(|e| e.kind()));
            reads.set(seen);
            async move { allowance.map(|_| br#"{"pluginSecret":"s"}"#.to_vec()) }
        };
        block_on(async {
            let query = b"pluginSecret=s&claimId=q";
            let got = config
                .receive::<RawInputs, _, _, _, _>("GET", None, Some(b"x"), query, NO_HEADERS, read)
                .await
                .unwrap();
            assert_eq!(got.claim_id(), Some("q"));
            assert!(reads.take().is_empty(), "a GET's body is never read");

            config
                .receive::<RawInputs, _, _, _, _>("PUT", None, None, b"", NO_HEADERS, read)
                .await
                .unwrap();
            assert_eq!(reads.take(), [Ok(64)]);

            let err = config
                .receive::<RawInputs, _, _, _, _>("POST", None, Some(b"65"), b"", NO_HEADERS, read)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
            assert_eq!(reads.take(), [Err(ErrorKind::BodyTooLarge)], "drained");
        });
    }
}
