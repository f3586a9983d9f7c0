//! The plugin request extractor.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::IntoResponse;
use claimkit::{Error, PluginConfig, PluginRequest, RawInputs};
use serde::de::DeserializeOwned;

use crate::body::AxumBody;
use crate::signature::HttpHeaders;

/// The default rejection of [`Plugin`]: claimkit's one error type, answered
/// as `{"message": ...}` with its status.
pub type PluginRejection = Error;

/// Extracts a typed BitBadges plugin call: the query string for `GET`, the
/// JSON body otherwise, checked against the accepted secrets of the
/// [`PluginConfig`] in the router state (through [`FromRef`]).
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
/// `I` is the plugin's inputs type (default: a JSON map). `R` is the
/// rejection; swap it for your own type implementing
/// `From<claimkit::Error> + IntoResponse` (keep the `Connection: close` of
/// a `413`, see [`Error::closes_connection`](claimkit::Error::closes_connection)).
/// Destructure it as `Plugin(request, ..)`, as in `claimkit-actix`, or use
/// it through `Deref`.
///
/// # State
///
/// `Plugin` needs a [`PluginConfig`] from the router's state `S`
/// (`PluginConfig: FromRef<S>`): the state is the `PluginConfig` itself,
/// or a struct of yours holding one beside what your handlers take with
/// [`State`](axum::extract::State), such as a store, with
/// `#[derive(FromRef)]` (axum's `macros` feature) or a hand-written
/// [`FromRef`]. A router whose state has no `PluginConfig` (say
/// `.with_state(store)`) does not compile, with only "the trait bound
/// `fn(..) -> _ {handler}: Handler<_, _>` is not satisfied";
/// `#[axum::debug_handler]` on the handler names the missing `FromRef`.
///
/// ```
/// use std::sync::Arc;
/// use axum::extract::{FromRef, State};
/// use axum::Router;
/// use claimkit::store::MemoryStore;
/// use claimkit::{Error, PluginConfig, Preset, Secret};
/// use claimkit_axum::{plugin, Plugin};
///
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     plugin: PluginConfig,    // for `Plugin`
///     store: Arc<MemoryStore>, // for `State<Arc<MemoryStore>>`
/// }
///
/// async fn claim_number(
///     State(store): State<Arc<MemoryStore>>,
///     request: Plugin,
/// ) -> Result<Preset, Error> {
///     claimkit::store::claim_number(&store, request.context()).await
/// }
///
/// let state = AppState {
///     plugin: PluginConfig::new(Secret::new("s3cret")?),
///     store: Arc::new(MemoryStore::default()),
/// };
/// let app: Router = Router::new()
///     .route("/plugins/claim-number", plugin(claim_number))
///     .with_state(state);
/// # Ok::<(), claimkit::Error>(())
/// ```
///
/// # Example
///
/// ```
/// use axum::Router;
/// use claimkit::{ClaimToken, PluginConfig, Reject, Secret};
/// use claimkit_axum::{plugin, Plugin};
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
/// let app: Router = Router::new().route("/redeem", plugin(redeem)).with_state(config);
/// # Ok::<(), claimkit::Error>(())
/// ```
pub struct Plugin<I = RawInputs, R = PluginRejection>(
    pub PluginRequest<I>,
    pub PhantomData<fn() -> R>,
);

impl<I, R> Plugin<I, R> {
    /// Wraps a request, for tests of handlers.
    pub fn new(request: PluginRequest<I>) -> Self {
        Self(request, PhantomData)
    }

    /// The request.
    pub fn into_inner(self) -> PluginRequest<I> {
        self.0
    }
}

impl<I, R> Deref for Plugin<I, R> {
    type Target = PluginRequest<I>;
    fn deref(&self) -> &PluginRequest<I> {
        &self.0
    }
}

impl<I, R> DerefMut for Plugin<I, R> {
    fn deref_mut(&mut self) -> &mut PluginRequest<I> {
        &mut self.0
    }
}

impl<I: std::fmt::Debug, R> std::fmt::Debug for Plugin<I, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Plugin").field(&self.0).finish()
    }
}

impl<I: Clone, R> Clone for Plugin<I, R> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<S, I, R> FromRequest<S> for Plugin<I, R>
where
    S: Send + Sync,
    PluginConfig: FromRef<S>,
    I: DeserializeOwned,
    R: From<Error> + IntoResponse,
{
    type Rejection = R;

    async fn from_request(request: Request, state: &S) -> Result<Self, R> {
        let config = PluginConfig::from_ref(state);
        let (parts, body) = request.into_parts();
        let header = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
        let query = parts.uri.query().unwrap_or_default().as_bytes();
        config
            .receive(
                parts.method.as_str(),
                header(CONTENT_TYPE),
                header(CONTENT_LENGTH),
                query,
                &HttpHeaders(&parts.headers),
                AxumBody(body),
            )
            .await
            .map(Self::new)
            .map_err(R::from)
    }
}
