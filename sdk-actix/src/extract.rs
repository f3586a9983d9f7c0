//! The plugin request extractor.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest};
use claimkit::{Error, PluginConfig, PluginRequest, RawInputs};
use serde::de::DeserializeOwned;

use crate::body::ActixBody;
use crate::config::{self, PluginErrorHandler};
use crate::signature::HttpHeaders;

/// Extracts a typed BitBadges plugin call: the query string for `GET`, the
/// JSON body otherwise, checked against the accepted secrets of the
/// [`PluginConfig`] registered with `app_data` (as it is, or in a
/// `web::Data`).
///
/// Before reading a body it checks the method (`GET`, `POST`, `PUT`,
/// `DELETE`; else `405`), the content type (absent or JSON; else `415`) and
/// `Content-Length` against the limit (`413`); the limit is enforced again
/// while the body is read, for chunked bodies. The rest of a refused body is
/// read and thrown away, within the bounds of [`claimkit::Drain`], so that a
/// client still sending it reads the answer. The request's headers go to
/// the core with the raw body: the `X-BitBadges-Signature` headers are
/// checked there when the configuration asks for them
/// ([`PluginConfig::with_signatures`]; `401` on failure), and configured
/// header inputs join the inputs ([`PluginConfig::with_header_input`]). A
/// missing or wrong secret is `401`; a malformed or ill-typed request
/// `400`. Every rejection answers `{"message": ...}`.
///
/// When no [`PluginConfig`] is registered, every call is answered `500` and
/// an error naming the missing configuration is logged: a server
/// misconfiguration, never a panic.
///
/// `I` is the plugin's inputs type (default: a JSON map). Where
/// `claimkit-axum` takes the rejection as a type parameter, this extractor
/// reads a [`PluginErrorHandler`](crate::PluginErrorHandler) from
/// `app_data`, the actix-web way. Destructure it as `Plugin(request, ..)`,
/// as in `claimkit-axum`, or use it through `Deref`.
///
/// ```
/// use actix_web::App;
/// use claimkit::{ClaimToken, PluginConfig, Reject, Secret};
/// use claimkit_actix::{plugin, Plugin};
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Inputs {
///     code: String,
/// }
///
/// async fn redeem(request: Plugin<Inputs>) -> Result<ClaimToken, Reject> {
///     if request.inputs().code != "WELCOME" {
///         return Err(Reject::forbidden("unknown code"));
///     }
///     Ok(ClaimToken::new("tok_1"))
/// }
///
/// // The same, destructured.
/// async fn check(Plugin(request, ..): Plugin<Inputs>) -> Result<ClaimToken, Reject> {
///     redeem(Plugin::new(request)).await
/// }
///
/// let config = PluginConfig::new(Secret::new("s3cret")?);
/// let app = App::new().app_data(config).service(plugin("/redeem", redeem));
/// # Ok::<(), claimkit::Error>(())
/// ```
pub struct Plugin<I = RawInputs>(pub PluginRequest<I>);

impl<I> Plugin<I> {
    /// Wraps a request, for tests of handlers.
    pub fn new(request: PluginRequest<I>) -> Self {
        Self(request)
    }

    /// The request.
    pub fn into_inner(self) -> PluginRequest<I> {
        self.0
    }
}

impl<I> Deref for Plugin<I> {
    type Target = PluginRequest<I>;
    fn deref(&self) -> &PluginRequest<I> {
        &self.0
    }
}

impl<I> DerefMut for Plugin<I> {
    fn deref_mut(&mut self) -> &mut PluginRequest<I> {
        &mut self.0
    }
}

impl<I: std::fmt::Debug> std::fmt::Debug for Plugin<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Plugin").field(&self.0).finish()
    }
}

impl<I: Clone> Clone for Plugin<I> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<I> FromRequest for Plugin<I>
where
    I: DeserializeOwned + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            let received = match config::plugin_config(&request) {
                Ok(config) => receive(config, &request, payload).await,
                Err(err) => {
                    claimkit::trace::rejected(&err);
                    Err(err)
                }
            };
            received
                .map(Self::new)
                .map_err(|err| PluginErrorHandler::from_req(&request).reject(err, &request))
        })
    }
}

async fn receive<I: DeserializeOwned>(
    config: &PluginConfig,
    request: &HttpRequest,
    payload: Payload,
) -> Result<PluginRequest<I>, Error> {
    let header = |name| request.headers().get(name).map(HeaderValue::as_bytes);
    config
        .receive(
            request.method().as_str(),
            header(CONTENT_TYPE),
            header(CONTENT_LENGTH),
            request.query_string().as_bytes(),
            &HttpHeaders(request.headers()),
            ActixBody(payload),
        )
        .await
}
