//! `IntoResponse` for the response types (feature `axum`).

use axum_core::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use crate::{
    render, ClaimNumber, ClaimToken, Custom, Error, Preset, Reject, Rendered, Stateless,
    CONTENT_TYPE,
};

#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl IntoResponse for Rendered {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::new(self.into_body().into());
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        response
    }
}

macro_rules! into_response {
    ($($ty:ty),*) => {
        $(
            #[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
            impl IntoResponse for $ty {
                fn into_response(self) -> Response {
                    render(&self).into_response()
                }
            }
        )*
    };
}

into_response!(Stateless, ClaimToken, ClaimNumber, Preset, Reject);

#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl<T: Serialize> IntoResponse for Custom<T> {
    fn into_response(self) -> Response {
        render(&self).into_response()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = render(&self).into_response();
        if let Some(allowed) = self.allowed_methods() {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
        }
        if self.closes_connection() {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
