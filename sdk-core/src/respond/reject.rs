//! Rejections: a failed plugin check, answered with `{"message": ...}`.

use std::borrow::Cow;
use std::fmt;

use super::render::{invalid, message};
use super::{Rendered, Respond};
use crate::Error;

/// A plugin's "no": a status code (4xx or 5xx) and a message for the user.
///
/// The message may be shown to the claiming user and the claim creator:
/// make it informative, and never put a secret or internals in it.
///
/// ```
/// use claimkit::{render, Reject};
///
/// let reject = Reject::forbidden("this code was already used");
/// let rendered = render(&reject);
/// assert_eq!(rendered.status(), 403);
/// assert_eq!(rendered.body(), br#"{"message":"this code was already used"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    status: u16,
    message: Cow<'static, str>,
}

impl Reject {
    /// A rejection with any status. A status outside `400..=599` is a bug:
    /// rendering it fails and the caller gets a `500`.
    pub fn new(status: u16, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// `400 Bad Request`: the user's input is not acceptable.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(400, message)
    }

    /// `403 Forbidden`: the user may not claim.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(403, message)
    }

    /// `409 Conflict`: the claim clashes with an earlier one.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(409, message)
    }

    /// `503 Service Unavailable`: the plugin cannot decide now.
    pub fn unavailable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(503, message)
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<Error> for Reject {
    fn from(err: Error) -> Self {
        Self::new(err.status(), err.message().to_owned())
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Reject {}

impl Respond for Reject {
    fn render(&self) -> Result<Rendered, Error> {
        if !(400..=599).contains(&self.status) {
            return Err(invalid("a rejection's status must be 4xx or 5xx"));
        }
        Ok(message(self.status, &self.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn constructors_pick_their_status() {
        assert_eq!(Reject::bad_request("x").status(), 400);
        assert_eq!(Reject::forbidden("x").status(), 403);
        assert_eq!(Reject::conflict("x").status(), 409);
        assert_eq!(Reject::unavailable("x").status(), 503);
        assert_eq!(Reject::new(418, "teapot").to_string(), "teapot");
    }

    #[test]
    fn success_statuses_are_refused() {
        for status in [0, 200, 201, 302, 600] {
            let err = Reject::new(status, "no").render().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidResponse);
        }
        assert!(Reject::new(599, "no").render().is_ok());
    }

    #[test]
    fn messages_are_escaped_json() {
        let rendered = Reject::bad_request("say \"please\"\n").render().unwrap();
        let back: serde_json::Value = serde_json::from_slice(rendered.body()).unwrap();
        assert_eq!(back["message"], "say \"please\"\n");
    }

    #[test]
    fn from_error_keeps_status_and_message() {
        let reject = Reject::from(Error::new(ErrorKind::BodyTooLarge));
        assert_eq!(reject.status(), 413);
        assert_eq!(reject.message(), "request body too large");
    }
}
