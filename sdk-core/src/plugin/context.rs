//! The context fields BitBadges sends with every plugin call.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{state_key, AttemptStatus, Version};

/// A linked social account, as sent in the legacy `discord`, `twitter`,
/// `github`, `google` and `twitch` fields (and in some shapes of `email`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Social {
    /// The account's id on its platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The account's user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Discord's legacy discriminator (`"0"` for migrated accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<String>,
}

impl Social {
    /// An account with an id and a user name.
    pub fn new(id: impl Into<String>, username: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            username: Some(username.into()),
            discriminator: None,
        }
    }
}

/// The legacy `email` field, which came in two shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Email {
    /// A plain address: `"bob@abc.com"`.
    Address(String),
    /// An account object: `{"id": ..., "username": ...}`.
    Account(Social),
}

impl Email {
    /// The address: the plain string, or the account's user name (falling
    /// back to its id).
    pub fn address(&self) -> Option<&str> {
        match self {
            Self::Address(address) => Some(address),
            Self::Account(account) => account.username.as_deref().or(account.id.as_deref()),
        }
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Address(address) => serializer.serialize_str(address),
            Self::Account(account) => account.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EmailVisitor;
        impl<'de> Visitor<'de> for EmailVisitor {
            type Value = Email;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an email address or an account object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Email, E> {
                Ok(Email::Address(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Email, E> {
                Ok(Email::Address(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Email, A::Error> {
                Social::deserialize(de::value::MapAccessDeserializer::new(map)).map(Email::Account)
            }
        }
        deserializer.deserialize_any(EmailVisitor)
    }
}

/// The wire name of the shared secret field.
pub(crate) const SECRET_KEY: &str = "pluginSecret";

macro_rules! context_fields {
    ($( $(#[$doc:meta])* $field:ident : $ty:ty = $key:literal, )*) => {
        /// The context fields of a plugin call: everything BitBadges adds
        /// around the plugin's own inputs, from every era of the protocol.
        ///
        /// Every field is optional and `null` is read as absent. Read fields
        /// directly, or through the methods, which carry the protocol's
        /// meaning ([`attempt_id`](Self::attempt_id) is `None` for the empty
        /// id of a simulation, [`attempt_status`](Self::attempt_status) treats an absent
        /// status as executing, ...). The `pluginSecret` is not kept here: it
        /// is checked and dropped while the request is decoded.
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct Context {
            $( $(#[$doc])* pub $field: Option<$ty>, )*
        }

        impl Context {
            /// The wire names of every context field, `pluginSecret` included.
            /// These keys are never handed to a plugin's inputs.
            pub const KEYS: &'static [&'static str] = &[SECRET_KEY, $($key),*];

            /// Whether `key` is a context field (or `pluginSecret`).
            pub fn is_context_key(key: &str) -> bool {
                matches!(key, SECRET_KEY $(| $key)*)
            }

            /// Reads the value of `key` from `map` into its field. Returns
            /// `Ok(false)`, reading nothing, when `key` is not a context key.
            /// `pluginSecret` is read and discarded.
            pub(crate) fn read_field<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $( $key => self.$field = map.next_value()?, )*
                    SECRET_KEY => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }

        impl Serialize for Context {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        map.serialize_entry($key, value)?;
                    }
                )*
                map.end()
            }
        }
    };
}

context_fields! {
    /// `claimId`: the claim being attempted.
    claim_id: String = "claimId",
    /// `claimAttemptId`: the attempt's id, the key for deduplication. Empty
    /// on simulations: prefer [`Context::attempt_id`].
    claim_attempt_id: String = "claimAttemptId",
    /// `_isSimulation`: a dry run, which must have no side effects. Prefer
    /// [`Context::is_simulation`].
    simulation: bool = "_isSimulation",
    /// `_attemptStatus`: executing, or the outcome on a status webhook.
    /// Prefer [`Context::attempt_status`].
    attempt_status: AttemptStatus = "_attemptStatus",
    /// `createdAt`: when the claim was created, in UNIX milliseconds.
    created_at: u64 = "createdAt",
    /// `lastUpdated`: when the claim was last changed, in UNIX milliseconds.
    last_updated: u64 = "lastUpdated",
    /// `version`: the plugin version the claim uses, sent as `"0"` or `0`;
    /// prefer [`Context::version`], which reads both as text.
    version: Version = "version",
    /// `locale`: the claiming user's locale.
    locale: String = "locale",
    /// `bitbadgesAddress`: the claiming address (`bb1…`), when the plugin is
    /// passed addresses; `null` (read as absent, like `ethAddress` and
    /// `isAddressSignedIn`) when it is not.
    bitbadges_address: String = "bitbadgesAddress",
    /// `ethAddress`: the claiming address's Ethereum form (`0x…`).
    eth_address: String = "ethAddress",
    /// `solAddress`: the Solana form (sent 2024-11 to 2025-10).
    sol_address: String = "solAddress",
    /// `btcAddress`: the Bitcoin form (sent 2024-11 to 2025-10).
    btc_address: String = "btcAddress",
    /// `cosmosAddress`: the claiming address before 2024-08.
    cosmos_address: String = "cosmosAddress",
    /// `isAddressSignedIn`: the user proved the address by signing in.
    is_address_signed_in: bool = "isAddressSignedIn",
    /// `assignMethod`: the claim number assignment method.
    assign_method: String = "assignMethod",
    /// `isClaimNumberAssigner`: this plugin assigns claim numbers.
    is_claim_number_assigner: bool = "isClaimNumberAssigner",
    /// `_isQueueHandler`: internal to the platform.
    is_queue_handler: bool = "_isQueueHandler",
    /// `maxUses`: the claim's maximum uses (before 2024-08).
    max_uses: u64 = "maxUses",
    /// `currUses`: the claim's current uses (before 2024-08).
    curr_uses: u64 = "currUses",
    /// `pluginId`: the plugin's id, when sent.
    plugin_id: String = "pluginId",
    /// `instanceId`: the plugin instance within the claim (the 2026 docs list
    /// it as always sent; older senders omit it).
    instance_id: String = "instanceId",
    /// `priorState`: the legacy `StateTransitions` preset's state.
    prior_state: serde_json::Value = "priorState",
    /// `discord`: the legacy linked Discord account.
    discord: Social = "discord",
    /// `twitter`: the legacy linked Twitter account.
    twitter: Social = "twitter",
    /// `github`: the legacy linked GitHub account.
    github: Social = "github",
    /// `google`: the legacy linked Google account.
    google: Social = "google",
    /// `twitch`: the legacy linked Twitch account.
    twitch: Social = "twitch",
    /// `email`: the legacy email, as an address or an account object.
    email: Email = "email",
}

impl Context {
    /// The claim attempt's id; `None` when absent or empty (as on
    /// simulations).
    pub fn attempt_id(&self) -> Option<&str> {
        self.claim_attempt_id.as_deref().filter(|id| !id.is_empty())
    }

    /// The attempt status; an absent `_attemptStatus` (older platform
    /// versions) reads as [`AttemptStatus::Executing`].
    pub fn attempt_status(&self) -> &AttemptStatus {
        static EXECUTING: AttemptStatus = AttemptStatus::Executing;
        self.attempt_status.as_ref().unwrap_or(&EXECUTING)
    }

    /// Whether this call is a simulation (dry run): `_isSimulation` is true.
    /// A simulation must have no side effects.
    pub fn is_simulation(&self) -> bool {
        self.simulation == Some(true)
    }

    /// Whether this call is a status webhook sent after the claim ended
    /// (status `success` or `failure`).
    pub fn is_status_webhook(&self) -> bool {
        self.attempt_status().is_final()
    }

    /// The key that identifies this status webhook among its retries:
    /// `"{claimAttemptId}:{status}"`, as
    /// [`KeyScope::Attempt`](crate::KeyScope::Attempt) builds it (a plugin
    /// that sits twice in a claim keys per instance with
    /// [`KeyScope::Instance`](crate::KeyScope::Instance)). `None` unless
    /// this is a status webhook with an attempt id, outside a simulation.
    /// It keys the status webhook's post-claim action
    /// ([`enqueue_status_action`](crate::store::enqueue_status_action)),
    /// and is the idempotency key to send with it.
    ///
    /// ```
    /// use claimkit::{AttemptStatus, Context};
    /// let mut context = Context::default();
    /// context.claim_attempt_id = Some("a1".into());
    /// assert_eq!(context.status_webhook_key(), None);
    /// context.attempt_status = Some(AttemptStatus::Success);
    /// assert_eq!(context.status_webhook_key().as_deref(), Some("a1:success"));
    /// ```
    pub fn status_webhook_key(&self) -> Option<String> {
        self.status_key_for(None)
    }

    /// The status key of this call, per attempt or for `instance`: `None`
    /// unless this is a status webhook with an attempt id, outside a
    /// simulation.
    pub(crate) fn status_key_for(&self, instance: Option<&str>) -> Option<String> {
        if self.is_simulation() || !self.is_status_webhook() {
            return None;
        }
        let attempt = self.attempt_id()?;
        Some(state_key::status_key(
            attempt,
            instance,
            self.attempt_status().as_str(),
        ))
    }

    /// The plugin version as text, whether it was sent as `"0"` or `0`.
    pub fn version(&self) -> Option<&str> {
        self.version.as_ref().map(Version::as_str)
    }

    /// `instanceId`: the plugin instance within the claim.
    pub fn instance_id(&self) -> Option<&str> {
        self.instance_id.as_deref()
    }

    /// The claiming address: `bitbadgesAddress`, or the legacy
    /// `cosmosAddress`.
    pub fn address(&self) -> Option<&str> {
        self.bitbadges_address
            .as_deref()
            .or(self.cosmos_address.as_deref())
    }

    /// `createdAt` as a point in time.
    pub fn created_at_time(&self) -> Option<SystemTime> {
        self.created_at.map(millis_to_time)
    }

    /// `lastUpdated` as a point in time.
    pub fn last_updated_time(&self) -> Option<SystemTime> {
        self.last_updated.map(millis_to_time)
    }
}

fn millis_to_time(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

impl<'de> Deserialize<'de> for Context {
    /// Reads the context fields of a flat request object, ignoring every
    /// other key (the plugin's inputs and `pluginSecret`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContextVisitor;
        impl<'de> Visitor<'de> for ContextVisitor {
            type Value = Context;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Context, A::Error> {
                let mut context = Context::default();
                while let Some(key) = map.next_key::<crate::key::Key<'de>>()? {
                    if !context.read_field(&key, &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(context)
            }
        }
        deserializer.deserialize_map(ContextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_era_and_ignores_inputs() {
        let context: Context = serde_json::from_str(
            r#"{"claimId":"c1","claimAttemptId":"","_isSimulation":true,
                "_attemptStatus":"executing","createdAt":1722088273192,
                "cosmosAddress":"cosmos1x","maxUses":1,"currUses":0,
                "discord":{"id":"1","username":"bob","discriminator":"0"},
                "email":{"id":"e","username":"bob@abc.com"},
                "priorState":null,"twitter":null,
                "code":"abc","pluginSecret":"s"}"#,
        )
        .unwrap();
        assert_eq!(context.claim_id.as_deref(), Some("c1"));
        assert_eq!(context.attempt_id(), None);
        assert!(context.is_simulation());
        assert_eq!(context.attempt_status(), &AttemptStatus::Executing);
        assert_eq!(context.address(), Some("cosmos1x"));
        assert_eq!(context.max_uses, Some(1));
        assert_eq!(
            context.discord.as_ref().unwrap().username.as_deref(),
            Some("bob")
        );
        assert_eq!(
            context.email.as_ref().unwrap().address(),
            Some("bob@abc.com")
        );
        assert_eq!(context.prior_state, None);
        assert_eq!(context.twitter, None);
        assert_eq!(
            context.created_at_time(),
            Some(UNIX_EPOCH + Duration::from_millis(1722088273192))
        );
    }

    #[test]
    fn serializes_only_present_fields_and_never_the_secret() {
        let context = Context {
            claim_id: Some("c".into()),
            email: Some(Email::Address("a@b.c".into())),
            attempt_status: Some(AttemptStatus::Success),
            ..Context::default()
        };
        let json = serde_json::to_string(&context).unwrap();
        assert_eq!(
            json,
            r#"{"claimId":"c","_attemptStatus":"success","email":"a@b.c"}"#
        );
        let back: Context = serde_json::from_str(&json).unwrap();
        assert_eq!(back, context);
        assert!(back.is_status_webhook());
    }

    #[test]
    fn keys_are_context_keys() {
        for key in Context::KEYS {
            assert!(Context::is_context_key(key), "{key}");
        }
        assert!(Context::is_context_key("pluginSecret"));
        assert!(!Context::is_context_key("code"));
        assert_eq!(Context::KEYS.len(), 29);
    }

    #[test]
    fn absent_status_reads_as_executing() {
        assert_eq!(
            Context::default().attempt_status(),
            &AttemptStatus::Executing
        );
        assert!(!Context::default().is_status_webhook());
        assert!(!Context::default().is_simulation());
    }
}
