//! Rendering a response for the wire: the [`Respond`] trait, [`Rendered`]
//! and [`render`], which answers a response that breaks the protocol with a
//! `500`.

use std::borrow::Cow;

use crate::{Error, ErrorKind};

/// The `Content-Type` of every rendered response.
pub const CONTENT_TYPE: &str = "application/json";

/// A response rendered for the wire: a status code and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    status: u16,
    body: Cow<'static, [u8]>,
}

impl Rendered {
    /// A rendered response. `body` must be JSON.
    pub fn new(status: u16, body: impl Into<Cow<'static, [u8]>>) -> Self {
        Self {
            status,
            body: body.into(),
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The JSON body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the JSON body (borrowed for constant bodies such as `{}`).
    pub fn into_body(self) -> Cow<'static, [u8]> {
        self.body
    }
}

/// A value a plugin handler can answer with.
///
/// Implemented by the presets ([`Stateless`](crate::Stateless),
/// [`ClaimToken`](crate::ClaimToken), [`ClaimNumber`](crate::ClaimNumber),
/// [`Custom`](crate::Custom), [`Preset`](crate::Preset)), by
/// [`Reject`](crate::Reject) and [`Error`], and
/// by `Result`s of them. The framework adapters turn any of these into their
/// framework's response.
pub trait Respond {
    /// Renders the status code and JSON body.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidResponse`] when the response would break the
    /// protocol: a key containing `.`, an empty claim token, a rejection with
    /// a success status.
    fn render(&self) -> Result<Rendered, Error>;
}

/// Renders `response`, answering a response that breaks the protocol with a
/// `500` and an error in the log rather than sending it.
///
/// ```
/// use claimkit::{render, ClaimToken, Reject};
///
/// assert_eq!(render(&ClaimToken::new("tok_1")).body(), br#"{"claimToken":"tok_1"}"#);
/// assert_eq!(render(&Reject::forbidden("already claimed")).status(), 403);
/// // A token with a dot would break the platform: it is not sent.
/// assert_eq!(render(&ClaimToken::new("a.b")).status(), 500);
/// ```
pub fn render(response: &(impl Respond + ?Sized)) -> Rendered {
    match response.render() {
        Ok(rendered) => rendered,
        Err(err) => {
            tracing::error!(error = %err, "the plugin's response breaks the protocol; answering 500");
            message(err.status(), err.message())
        }
    }
}

/// `{"message": ...}` with `status`.
pub(crate) fn message(status: u16, text: &str) -> Rendered {
    #[derive(serde::Serialize)]
    struct Message<'a> {
        message: &'a str,
    }
    let body = serde_json::to_vec(&Message { message: text })
        .unwrap_or_else(|_| br#"{"message":"internal error"}"#.to_vec());
    Rendered::new(status, body)
}

impl Respond for Error {
    fn render(&self) -> Result<Rendered, Error> {
        Ok(message(self.status(), self.message()))
    }
}

impl<T: Respond, E: Respond> Respond for Result<T, E> {
    fn render(&self) -> Result<Rendered, Error> {
        match self {
            Ok(ok) => ok.render(),
            Err(err) => err.render(),
        }
    }
}

impl<T: Respond + ?Sized> Respond for &T {
    fn render(&self) -> Result<Rendered, Error> {
        (**self).render()
    }
}

impl<T: Respond + ?Sized> Respond for Box<T> {
    fn render(&self) -> Result<Rendered, Error> {
        (**self).render()
    }
}

/// The error for a response that breaks the protocol.
pub(crate) fn invalid(message: &'static str) -> Error {
    Error::with_message(ErrorKind::InvalidResponse, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::respond::{ClaimNumber, Custom, Reject, Stateless};

    #[test]
    fn errors_render_as_message_bodies() {
        let rendered = render(&Error::new(ErrorKind::InvalidSecret));
        assert_eq!(rendered.status(), 401);
        assert_eq!(rendered.body(), br#"{"message":"invalid plugin secret"}"#);
    }

    #[test]
    fn results_render_either_side() {
        let ok: Result<Stateless, Reject> = Ok(Stateless);
        assert_eq!(render(&ok), Rendered::new(200, &b"{}"[..]));
        let err: Result<Stateless, Reject> = Err(Reject::conflict("taken"));
        assert_eq!(render(&err).status(), 409);
        assert_eq!(render(&err).body(), br#"{"message":"taken"}"#);
        let boxed: Box<dyn Respond> = Box::new(ClaimNumber::new(3));
        assert_eq!(render(&boxed).body(), br#"{"claimNumber":3}"#);
    }

    #[test]
    fn broken_responses_become_a_500_with_a_message() {
        let rendered = render(&Custom(serde_json::json!({"bob@abc.com": true})));
        assert_eq!(rendered.status(), 500);
        assert_eq!(
            rendered.body(),
            br#"{"message":"a key of the response contains `.`"}"#
        );
    }
}
