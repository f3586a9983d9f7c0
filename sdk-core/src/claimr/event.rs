//! The claimr event and its parts.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::{lenient, EventType, Scope};
use crate::{Error, ErrorKind};

/// One webhook delivery from claimr.
///
/// Fields follow claimr's `user_activity` example. Everything but `id` and
/// `scope` is optional, ids are read from strings or numbers, and points
/// from numbers or numeric strings. Fields not listed here are kept in
/// [`extra`](ClaimrEvent::extra) and written back by `Serialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimrEvent {
    /// The unique message id, repeated on every retry of the same message.
    #[serde(deserialize_with = "required_string")]
    pub id: String,
    /// Which kind of hook sent it.
    pub scope: Scope,
    /// The user who acted.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub user: Option<String>,
    /// The user's id.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    /// The user's connected wallet address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<String>,
    /// The user's email address, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The campaign the event happened in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<Campaign>,
    /// What happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// The user's total points.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_xp: Option<Number>,
    /// Points earned from referrals.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub ref_xp: Option<Number>,
    /// Points earned from user-generated content.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub ugc_xp: Option<Number>,
    /// The points multiplier.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub xp_mul: Option<Number>,
    /// The user's rank on the campaign leaderboard.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub rank: Option<Number>,
    /// The user's team, if any, as sent (its shape is not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ClaimrEvent {
    /// Decodes an event from a webhook body.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedBody`] (`400`) when the body is not JSON, and
    /// [`ErrorKind::InvalidField`] (`400`) naming the field when a field has
    /// the wrong type or `id` or `scope` is missing. Messages never repeat
    /// the body's values.
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        let malformed = || Error::with_message(ErrorKind::MalformedBody, "malformed JSON body");
        let mut de = serde_json::Deserializer::from_slice(body);
        let event = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            if err.inner().classify() != serde_json::error::Category::Data {
                return malformed();
            }
            let path = err.path().to_string();
            let path = if path == "." { "" } else { &path };
            Error::invalid_field(path, "missing, or of the wrong type")
        })?;
        de.end().map_err(|_| malformed())?;
        Ok(event)
    }
}

/// The campaign an event happened in.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Campaign {
    /// The campaign's id.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// The campaign's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What happened: an event type and its data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Event {
    /// The event type, such as `action_completed`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EventType>,
    /// The event's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<EventData>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Event {
    /// The completed action, when the data names one.
    pub fn action(&self) -> Option<&Action> {
        self.data.as_ref()?.action.as_ref()
    }
}

/// The details of an event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventData {
    /// The associated account, as sent (its shape is not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Value>,
    /// The completed action (task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The points awarded.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub xp: Option<Number>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A completed action (a task in a campaign).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Action {
    /// The action's id.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// The action's name, such as `reCAPTCHA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The action's type, such as `recaptcha`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The action's metadata, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn required_string<'de, D: serde::Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    lenient::string(de)?.ok_or_else(|| serde::de::Error::custom("expected a string or a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_both_read() {
        let event = ClaimrEvent::from_json(
            br#"{"id": 17, "scope": "user_login", "user_id": 23945872938472,
                 "total_xp": "150", "xp_mul": 1.5, "campaign": {"id": 9}}"#,
        )
        .unwrap();
        assert_eq!(event.id, "17");
        assert_eq!(event.user_id.as_deref(), Some("23945872938472"));
        assert_eq!(event.total_xp.unwrap().as_u64(), Some(150));
        assert_eq!(event.xp_mul.unwrap().as_f64(), Some(1.5));
        assert_eq!(event.campaign.unwrap().id.as_deref(), Some("9"));
    }

    #[test]
    fn errors_name_the_field_but_not_the_value() {
        let err =
            ClaimrEvent::from_json(br#"{"id": "a", "scope": "referral", "rank": "first-secret"}"#)
                .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidField);
        assert!(!err.message().contains("first-secret"), "{err:?}");

        let err = ClaimrEvent::from_json(br#"{"scope": "referral"}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidField);

        let err = ClaimrEvent::from_json(b"{\"id\": \"a\", \"scope\": ").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedBody);
        let err = ClaimrEvent::from_json(br#"{"id":"a","scope":"referral"} x"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedBody);
        assert!(ClaimrEvent::from_json(br#"{"id":"a","scope":"referral"}"#).is_ok());
    }
}
