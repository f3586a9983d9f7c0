//! claimr webhook payloads, typed.
//!
//! [claimr](https://claimr.io) posts one JSON object per event to each hook
//! registered for a scope: `user_activity` (a task or quest completed),
//! `user_login`, `user_reward` (a reward claimed) and `referral`. Only the
//! `user_activity` payload is documented; [`ClaimrEvent`] types its fields,
//! keeps every field it does not know in `extra`, and keeps unknown scopes
//! and event types as text, so the other scopes' payloads and future
//! additions decode too.
//!
//! The `id` is the same on every retry (claimr retries after 5 s, 30 s,
//! 1 min and 5 min): it is the delivery id that
//! [`HmacScheme::claimr`](crate::signature::HmacScheme::claimr) reads for
//! [deduplication](crate::signature::replay). Verify the signature on the raw
//! body first, then decode it:
//!
//! ```
//! use claimkit::claimr::{ClaimrEvent, EventType, Scope};
//!
//! let body = br#"{
//!     "id": "lisjywHXKAq6yQe2bH6Pd", "scope": "user_activity",
//!     "user": "23945872938472", "campaign": {"id": "sue7r1vO", "name": "Test campaign"},
//!     "event": {"type": "action_completed",
//!               "data": {"action": {"id": "_g06CbGQ", "name": "reCAPTCHA", "type": "recaptcha"},
//!                        "xp": 10}},
//!     "total_xp": 150
//! }"#;
//! let event = ClaimrEvent::from_json(body)?;
//! assert_eq!(event.scope, Scope::UserActivity);
//! let activity = event.event.as_ref().unwrap();
//! assert_eq!(activity.kind, Some(EventType::ActionCompleted));
//! assert_eq!(activity.action().and_then(|a| a.name.as_deref()), Some("reCAPTCHA"));
//! assert_eq!(event.total_xp.as_ref().and_then(|xp| xp.as_u64()), Some(150));
//! # Ok::<(), claimkit::Error>(())
//! ```

mod event;
mod kinds;
mod lenient;

pub use event::{Action, Campaign, ClaimrEvent, Event, EventData};
pub use kinds::{EventType, Scope};
