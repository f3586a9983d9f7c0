//! What the extractor reads from `app_data`: the core configuration and an
//! optional error handler.

use std::fmt;
use std::sync::Arc;

use actix_web::{web, HttpRequest};
use claimkit::{Error, ErrorKind, PluginConfig};

type Handler = dyn Fn(Error, &HttpRequest) -> actix_web::Error + Send + Sync;

/// Swaps the answer to a refused plugin call, the way actix-web's
/// `JsonConfig::error_handler` does for JSON bodies; the counterpart of
/// `claimkit-axum`'s rejection type parameter.
///
/// Register it with `App::app_data` (or a scope's or resource's), as it is
/// or in a `web::Data`. Without one, a refusal is answered with claimkit's
/// own `{"message": ...}` and status. The handler sees every refusal of the
/// [`Plugin`](crate::Plugin) extractor, including the `500` for a missing
/// [`PluginConfig`]; the refusal has already been logged.
///
/// ```
/// use actix_web::{error, web, App, HttpResponse};
/// use claimkit::{PluginConfig, Secret};
/// use claimkit_actix::PluginErrorHandler;
///
/// let teapot = PluginErrorHandler::new(|err, _request| {
///     let answer = HttpResponse::ImATeapot().body(format!("teapot: {}", err.message()));
///     error::InternalError::from_response(err, answer).into()
/// });
/// let app = App::new()
///     .app_data(PluginConfig::new(Secret::new("s3cret")?))
///     .app_data(teapot);
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct PluginErrorHandler(Option<Arc<Handler>>);

/// No handler registered: claimkit's own answer.
const DEFAULT_HANDLER: PluginErrorHandler = PluginErrorHandler(None);

impl PluginErrorHandler {
    /// An error handler turning a claimkit error into the actix-web error
    /// to answer with.
    pub fn new<F>(handler: F) -> Self
    where
        F: Fn(Error, &HttpRequest) -> actix_web::Error + Send + Sync + 'static,
    {
        Self(Some(Arc::new(handler)))
    }

    /// The handler registered for `request`'s route, or the default, as
    /// actix-web's `JsonConfig::from_req` finds its configuration.
    pub(crate) fn from_req(request: &HttpRequest) -> &Self {
        app_data(request).unwrap_or(&DEFAULT_HANDLER)
    }

    /// The actix-web error for a refusal: the handler's, or claimkit's own
    /// response.
    pub(crate) fn reject(&self, err: Error, request: &HttpRequest) -> actix_web::Error {
        match &self.0 {
            Some(handler) => handler(err, request),
            None => err.into(),
        }
    }
}

impl fmt::Debug for PluginErrorHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PluginErrorHandler").finish_non_exhaustive()
    }
}

/// The registered configuration; its absence is logged and answered `500`.
pub(crate) fn plugin_config(request: &HttpRequest) -> Result<&PluginConfig, Error> {
    app_data(request).ok_or_else(|| {
        tracing::error!(
            "no claimkit::PluginConfig is registered for this route: add one with \
             App::app_data(PluginConfig) or App::app_data(web::Data<PluginConfig>)"
        );
        Error::new(ErrorKind::InvalidConfig)
    })
}

/// A `T` registered with `app_data`, as it is or in a `web::Data`.
fn app_data<T: 'static>(request: &HttpRequest) -> Option<&T> {
    request.app_data::<T>().or_else(|| {
        request
            .app_data::<web::Data<T>>()
            .map(|data| data.get_ref())
    })
}
