//! `Responder` and `ResponseError` for the response types (feature `actix`).

use std::borrow::Cow;

use actix_web::body::BoxBody;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use serde::Serialize;

use crate::{
    render, ClaimNumber, ClaimToken, Custom, Error, Preset, Reject, Rendered, Stateless,
    CONTENT_TYPE,
};

/// The status to answer with; a rendered status is always valid, but never
/// trust a number to be one.
fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn response(rendered: Rendered) -> HttpResponse {
    let status = status_code(rendered.status());
    let body = match rendered.into_body() {
        Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        Cow::Owned(bytes) => Bytes::from(bytes),
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)))
        .body(body)
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl Responder for Rendered {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        response(self)
    }
}

macro_rules! responder {
    ($($ty:ty),*) => {
        $(
            #[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
            impl Responder for $ty {
                type Body = BoxBody;

                fn respond_to(self, _: &HttpRequest) -> HttpResponse {
                    response(render(&self))
                }
            }
        )*
    };
}

responder!(Stateless, ClaimToken, ClaimNumber, Preset);

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl<T: Serialize> Responder for Custom<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        response(render(&self))
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl ResponseError for Reject {
    fn status_code(&self) -> StatusCode {
        status_code(render(self).status())
    }

    fn error_response(&self) -> HttpResponse {
        response(render(self))
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl Responder for Reject {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        status_code(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = response(render(self));
        if let Some(allowed) = self.allowed_methods() {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
        }
        if self.closes_connection() {
            response
                .head_mut()
                .set_connection_type(ConnectionType::Close);
        }
        response
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl Responder for Error {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;

    use super::*;
    use crate::{ErrorKind, ALLOWED_METHODS};

    fn answer(responder: impl Responder) -> (u16, Vec<u8>, HttpResponse) {
        let request = TestRequest::default().to_http_request();
        let response = responder.respond_to(&request).map_into_boxed_body();
        let status = response.status().as_u16();
        let (response, body) = response.into_parts();
        let body = futures_executor::block_on(to_bytes(body)).unwrap();
        (status, body.to_vec(), response.set_body(BoxBody::new(())))
    }

    #[test]
    fn presets_are_json_200s() {
        let (status, body, response) = answer(ClaimToken::new("tok_1"));
        assert_eq!(
            (status, body.as_slice()),
            (200, &br#"{"claimToken":"tok_1"}"#[..])
        );
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            CONTENT_TYPE
        );
        let (_, body, _) = answer(Stateless);
        assert_eq!(body, b"{}");
        let (_, body, _) = answer(ClaimNumber::new(4));
        assert_eq!(body, br#"{"claimNumber":4}"#);
        let (_, body, _) = answer(Custom(serde_json::json!({"ok": true})));
        assert_eq!(body, br#"{"ok":true}"#);
        let (status, _, _) = answer(Custom(serde_json::json!({"a.b": 1})));
        assert_eq!(status, 500);
    }

    #[test]
    fn errors_and_rejections_are_messages() {
        let only_post = answer(Error::method_not_allowed("POST")).2;
        assert_eq!(only_post.headers().get(header::ALLOW).unwrap(), "POST");
        let (status, body, response) = answer(Error::new(ErrorKind::MethodNotAllowed));
        assert_eq!(status, 405);
        assert_eq!(
            response.headers().get(header::ALLOW).unwrap(),
            ALLOWED_METHODS
        );
        assert_eq!(
            body,
            br#"{"message":"method not allowed: expected GET, POST, PUT or DELETE"}"#
        );
        let (status, body, response) = answer(Reject::forbidden("no"));
        assert_eq!(
            (status, body.as_slice()),
            (403, &br#"{"message":"no"}"#[..])
        );
        assert!(response.headers().get(header::ALLOW).is_none());
        // A rejection with a success status is a bug: a 500, said so.
        assert_eq!(Reject::new(200, "no").status_code(), 500);
        let (status, _, _) = answer(Reject::new(200, "no"));
        assert_eq!(status, 500);
    }

    #[test]
    fn results_work_as_handler_answers() {
        let refused: Result<ClaimToken, Reject> = Err(Reject::conflict("taken"));
        let (status, body, _) = answer(refused);
        assert_eq!(
            (status, body.as_slice()),
            (409, &br#"{"message":"taken"}"#[..])
        );
        let failed: Result<Preset, Error> = Err(Error::new(ErrorKind::InvalidSecret));
        let (status, _, response) = answer(failed);
        assert_eq!(status, 401);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            CONTENT_TYPE
        );
    }
}
