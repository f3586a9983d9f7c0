//! The response presets of the BitBadges plugin protocol.

use std::borrow::Cow;

use serde::Serialize;

use super::render::invalid;
use super::{dots, Rendered, Respond};
use crate::Error;

/// The `Stateless` preset: `200 {}`. The plugin passes; nothing else is read.
///
/// **Simulations**: answer a simulation as the real call would be answered
/// (`200` when the claim would pass), with no side effects.
///
/// ```
/// use claimkit::{render, Stateless};
/// assert_eq!(render(&Stateless).body(), b"{}");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stateless;

impl Respond for Stateless {
    fn render(&self) -> Result<Rendered, Error> {
        Ok(Rendered::new(200, &b"{}"[..]))
    }
}

/// The `ClaimToken` preset: `200 {"claimToken": "..."}`.
///
/// A one-time token the plugin issues; the platform marks it used only if
/// the whole claim succeeds. A token must be non-empty and contain no `.`
/// (the platform stores tokens as keys); rendering checks both.
///
/// **Simulations must answer a token too**: the 2026 developer docs say the
/// execution step may trust and replay the simulation's result, so a
/// simulation may be the only call (unconfirmed; the live docs still
/// describe a real call after it). Answer `{"claimToken": ...}` with the
/// token the attempt would get, issuing nothing that lasts; `claimkit
/// check` warns when a simulation's answer lacks `claimToken`.
///
/// ```
/// use claimkit::{render, ClaimToken};
/// assert_eq!(render(&ClaimToken::new("abc")).body(), br#"{"claimToken":"abc"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimToken(Cow<'static, str>);

impl ClaimToken {
    /// A token response.
    pub fn new(token: impl Into<Cow<'static, str>>) -> Self {
        Self(token.into())
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Respond for ClaimToken {
    fn render(&self) -> Result<Rendered, Error> {
        if self.0.is_empty() {
            return Err(invalid("the claim token is empty"));
        }
        if self.0.contains('.') {
            return Err(invalid("the claim token contains `.`"));
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(rename = "claimToken")]
            claim_token: &'a str,
        }
        let body = serde_json::to_vec(&Body {
            claim_token: &self.0,
        })
        .map_err(|_| invalid("the claim token could not be serialized"))?;
        Ok(Rendered::new(200, body))
    }
}

/// The `ClaimNumbers` preset: `200 {"claimNumber": n}`.
///
/// The 0-based claim number to assign if the claim succeeds. Negative numbers
/// cannot be expressed; [`ClaimNumber::try_from`] refuses them. The number
/// must be below the claim's `maxUses` when it has one, and not already
/// assigned.
///
/// **Simulations must answer a number too**: a simulation may be the only
/// call (2026 developer docs, unconfirmed), so answer `{"claimNumber": n}`
/// with the number the attempt would get; `claimkit check` warns when a
/// simulation's answer lacks `claimNumber`, and `claimkit check --model
/// replay` fails a plugin whose simultaneous simulations share a number.
///
/// **Which plugin-version settings keep numbers right** (what
/// [`claim_number_with`](crate::store::claim_number_with) does under each):
///
/// | setting | what happens |
/// |---|---|
/// | `ignoreSimulations` | only real calls come; each attempt reserves its number when executing: safe under every call model |
/// | `passAddress` | simulations carry `bitbadgesAddress`, so each holds its number for its claim and address for a short time: simultaneous simulations preview distinct numbers, the same user gets the same one again, and the attempt that replays it (its executing call or its status webhook) takes it over |
/// | neither | simultaneous simulations may preview one number, which the platform then refuses to all but one ("Claim number already used"); a warning is logged once per claim |
/// | `receiveStatusWebhook` | `success` confirms the attempt's number (or its address's hold), `failure` releases it; without it reservations and holds lapse after their time, and a number the platform assigned may be handed out again |
///
/// ```
/// use claimkit::{render, ClaimNumber};
/// assert_eq!(render(&ClaimNumber::new(0)).body(), br#"{"claimNumber":0}"#);
/// assert!(ClaimNumber::try_from(-1_i64).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClaimNumber(u64);

impl ClaimNumber {
    /// A claim number response.
    pub const fn new(number: u64) -> Self {
        Self(number)
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<i64> for ClaimNumber {
    type Error = Error;

    /// # Errors
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) for a
    /// negative number.
    fn try_from(number: i64) -> Result<Self, Error> {
        u64::try_from(number)
            .map(Self)
            .map_err(|_| invalid("a claim number must not be negative"))
    }
}

impl From<u64> for ClaimNumber {
    fn from(number: u64) -> Self {
        Self(number)
    }
}

impl Respond for ClaimNumber {
    fn render(&self) -> Result<Rendered, Error> {
        Ok(Rendered::new(
            200,
            format!("{{\"claimNumber\":{}}}", self.0).into_bytes(),
        ))
    }
}

/// The `CustomResponseHandler` preset: `200` with any serializable body.
///
/// **Simulations**: answer what the real call would, with no side effects;
/// a simulation may be the only call (2026 developer docs, unconfirmed).
///
/// Every key of the body is checked while it is serialized: a key containing
/// `.` fails the rendering. Use [`escape_dots`](crate::escape_dots) or
/// [`escape_keys`](crate::escape_keys) for keys built from user data.
///
/// ```
/// use claimkit::{render, Custom};
/// use serde_json::json;
///
/// let ok = render(&Custom(json!({"bob@abc[dot]com": 1})));
/// assert_eq!(ok.status(), 200);
/// let broken = render(&Custom(json!({"bob@abc.com": 1})));
/// assert_eq!(broken.status(), 500);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Custom<T>(pub T);

impl<T: Serialize> Respond for Custom<T> {
    fn render(&self) -> Result<Rendered, Error> {
        dots::to_vec_checked(&self.0).map(|body| Rendered::new(200, body))
    }
}

/// Any of the fixed presets, for handlers that answer with more than one
/// (a claim-number plugin answers status webhooks with `{}`, say).
///
/// ```
/// use claimkit::{render, ClaimNumber, Preset, Stateless};
///
/// fn answer(webhook: bool) -> Preset {
///     if webhook { Stateless.into() } else { ClaimNumber::new(7).into() }
/// }
/// assert_eq!(render(&answer(true)).body(), b"{}");
/// assert_eq!(render(&answer(false)).body(), br#"{"claimNumber":7}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preset {
    /// [`Stateless`]: `{}`.
    Stateless,
    /// [`ClaimToken`]: `{"claimToken": ...}`.
    ClaimToken(ClaimToken),
    /// [`ClaimNumber`]: `{"claimNumber": n}`.
    ClaimNumber(ClaimNumber),
}

impl From<Stateless> for Preset {
    fn from(_: Stateless) -> Self {
        Self::Stateless
    }
}

impl From<ClaimToken> for Preset {
    fn from(token: ClaimToken) -> Self {
        Self::ClaimToken(token)
    }
}

impl From<ClaimNumber> for Preset {
    fn from(number: ClaimNumber) -> Self {
        Self::ClaimNumber(number)
    }
}

impl Respond for Preset {
    fn render(&self) -> Result<Rendered, Error> {
        match self {
            Self::Stateless => Stateless.render(),
            Self::ClaimToken(token) => token.render(),
            Self::ClaimNumber(number) => number.render(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn presets_render_exactly() {
        assert_eq!(Stateless.render().unwrap(), Rendered::new(200, &b"{}"[..]));
        assert_eq!(
            ClaimToken::new(String::from("t\"1"))
                .render()
                .unwrap()
                .body(),
            br#"{"claimToken":"t\"1"}"#
        );
        assert_eq!(
            ClaimNumber::new(u64::MAX).render().unwrap().body(),
            b"{\"claimNumber\":18446744073709551615}"
        );
        assert_eq!(ClaimNumber::try_from(5_i64).unwrap().get(), 5);
        assert_eq!(ClaimNumber::from(5_u64), ClaimNumber::new(5));
        assert_eq!(ClaimToken::new("x").as_str(), "x");
    }

    #[test]
    fn bad_tokens_and_numbers_are_refused() {
        for token in ["", "a.b", "."] {
            assert_eq!(
                ClaimToken::new(token).render().unwrap_err().kind(),
                ErrorKind::InvalidResponse,
                "{token:?}"
            );
        }
        assert_eq!(
            ClaimNumber::try_from(i64::MIN).unwrap_err().kind(),
            ErrorKind::InvalidResponse
        );
    }

    #[test]
    fn custom_bodies_are_checked_at_every_depth() {
        use serde_json::json;
        assert!(Custom(json!({"a": {"b": [{"c": "d.e"}]}})).render().is_ok());
        assert!(Custom(json!({"a": {"b": [{"c.x": 1}]}})).render().is_err());
        let mut map = std::collections::BTreeMap::new();
        map.insert(1.5_f64.to_string(), 1);
        assert!(Custom(map).render().is_err());
    }
}
