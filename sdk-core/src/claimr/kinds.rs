//! The named values of a claimr payload: scopes and event types.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enum of known string values, with unknown ones kept as text.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, as sent.
            Other(String),
        }

        impl $name {
            /// The value as claimr writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $( $text => Self::$variant, )*
                    _ => Self::Other(text),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

string_enum! {
    /// The scope of a hook: which kind of event it receives.
    ///
    /// ```
    /// use claimkit::claimr::Scope;
    ///
    /// assert_eq!(Scope::from("user_reward"), Scope::UserReward);
    /// assert_eq!(Scope::from("user_quiz"), Scope::Other("user_quiz".into()));
    /// assert_eq!(Scope::Referral.as_str(), "referral");
    /// ```
    Scope {
        /// `user_activity`: a user completed a task or a quest.
        UserActivity = "user_activity",
        /// `user_login`: a user logged in.
        UserLogin = "user_login",
        /// `user_reward`: a user claimed a reward.
        UserReward = "user_reward",
        /// `referral`: a referred user joined or acted.
        Referral = "referral",
    }
}

string_enum! {
    /// What happened, in an event's `type`.
    ///
    /// ```
    /// use claimkit::claimr::EventType;
    ///
    /// assert_eq!(EventType::from("quest_completed"), EventType::QuestCompleted);
    /// assert_eq!(EventType::from("badge_minted").as_str(), "badge_minted");
    /// ```
    EventType {
        /// `action_completed`: a task (action) was completed.
        ActionCompleted = "action_completed",
        /// `quest_completed`: a quest was completed.
        QuestCompleted = "quest_completed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values_round_trip() {
        for text in [
            "user_activity",
            "user_login",
            "user_reward",
            "referral",
            "new_one",
        ] {
            let scope: Scope = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(scope.to_string(), text);
            assert_eq!(Scope::from(text.to_owned()), scope);
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{text}\"")
            );
        }
        assert_eq!(Scope::from("user_login"), Scope::UserLogin);
        assert_eq!(
            EventType::from(String::from("action_completed")),
            EventType::ActionCompleted
        );
        assert!(serde_json::from_str::<Scope>("5").is_err());
    }
}
