//! The action queue's codec: an action's payload is a serde type of the
//! author's, written to the store as JSON text and read back as that type.
//! The stores keep text and never see a type.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Actions, DueAction};
use crate::{Error, ErrorKind};

/// Enqueues `payload` under `key`, due now, written as JSON: the typed side
/// of [`Actions::enqueue`]. `Ok(false)` when the store knows `key` already
/// (pending, running, done or dead): nothing is added.
///
/// The runner (`claimkit_tokio::Runner`) hands the action the payload as
/// the same type ([`DueAction::decode`]).
///
/// # Errors
/// [`ErrorKind::InvalidPayload`] when `payload` cannot be written as JSON
/// (serde's error is its `source()`); the store's errors.
///
/// ```
/// use claimkit::store::{enqueue_action, Actions, ActionTerms, MemoryStore};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// struct Welcome {
///     email: String,
/// }
///
/// # futures_executor::block_on(async {
/// let store = MemoryStore::default();
/// let welcome = Welcome { email: "bob@example.com".into() };
/// assert!(enqueue_action(&store, "welcome:bob", &welcome).await?);
/// // The same key again adds nothing.
/// assert!(!enqueue_action(&store, "welcome:bob", &welcome).await?);
///
/// // What a runner does with it:
/// let due = store.take_due(1, &ActionTerms::default()).await?.remove(0);
/// let due = due.decode::<Welcome>()?;
/// assert_eq!(due.payload, welcome);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn enqueue_action<A, T>(store: &A, key: &str, payload: &T) -> Result<bool, Error>
where
    A: Actions + ?Sized,
    T: Serialize + ?Sized,
{
    let text = encode(payload)?;
    store.enqueue(key, &text).await
}

impl DueAction<String> {
    /// This try with its payload read as `T`, the type it was enqueued as.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`] when the payload is not a `T` (an
    /// action enqueued by another version of the plugin, or by hand). Its
    /// message names the type and where the JSON went wrong, never the
    /// payload's values; serde's error is its `source()`.
    ///
    /// ```
    /// use std::error::Error as _;
    /// use claimkit::store::{enqueue_action, Actions, ActionTerms, MemoryStore, StatusAction};
    /// use claimkit::ErrorKind;
    ///
    /// # futures_executor::block_on(async {
    /// let store = MemoryStore::default();
    /// enqueue_action(&store, "k", &[1, 2, 3]).await?;
    /// let due = store.take_due(1, &ActionTerms::default()).await?.remove(0);
    /// let err = due.decode::<StatusAction>().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidPayload);
    /// assert!(err.message().contains("StatusAction"));
    /// assert!(err.source().is_some());
    /// # Ok::<(), claimkit::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn decode<T: DeserializeOwned>(&self) -> Result<DueAction<T>, Error> {
        Ok(DueAction {
            key: self.key.clone(),
            payload: decode(&self.payload)?,
            attempt: self.attempt,
            age: self.age,
            lease: self.lease.clone(),
        })
    }
}

/// `payload` as the JSON text a store keeps.
fn encode<T: Serialize + ?Sized>(payload: &T) -> Result<String, Error> {
    serde_json::to_string(payload).map_err(|err| {
        Error::with_message(
            ErrorKind::InvalidPayload,
            format!(
                "an action's payload could not be written as JSON ({})",
                classify(&err)
            ),
        )
        .with_source(err)
    })
}

/// A stored payload read as `T`.
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|err| {
        Error::with_message(
            ErrorKind::InvalidPayload,
            format!(
                "a queued payload is not a `{}` ({} at line {} column {})",
                short_type_name::<T>(),
                classify(&err),
                err.line(),
                err.column(),
            ),
        )
        .with_source(err)
    })
}

/// `T`'s name without its module paths: `Vec<StatusAction>`.
fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut name = String::with_capacity(full.len());
    let mut segment = 0;
    for c in full.chars() {
        if c == ':' {
            name.truncate(segment);
        } else {
            name.push(c);
            if !(c.is_alphanumeric() || c == '_') {
                segment = name.len();
            }
        }
    }
    name
}

/// What kind of JSON error `err` is, without its text (which may quote the
/// payload's values).
fn classify(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Io => "an I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "a value of the wrong shape",
        serde_json::error::Category::Eof => "JSON cut short",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_bad_payload_is_a_queue_error_that_names_no_value() {
        let err = decode::<u32>(r#""private-value""#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPayload);
        assert_eq!(err.status(), 500);
        assert_eq!(
            err.message(),
            "a queued payload is not a `u32` (a value of the wrong shape at line 1 column 15)"
        );
        let source = err.source().expect("serde's error");
        assert!(source.to_string().contains("private-value"));
        assert!(source.downcast_ref::<serde_json::Error>().is_some());

        let cut = decode::<Vec<u8>>("[1, 2").unwrap_err();
        assert!(cut.message().contains("JSON cut short"), "{cut}");
    }

    #[test]
    fn a_payload_json_cannot_hold_is_a_queue_error() {
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1u8);
        let err = encode(&map).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPayload);
        assert!(err.source().is_some());
    }

    #[test]
    fn type_names_lose_their_module_paths() {
        assert_eq!(short_type_name::<u32>(), "u32");
        assert_eq!(
            short_type_name::<Vec<crate::store::StatusAction>>(),
            "Vec<StatusAction>"
        );
        assert_eq!(
            short_type_name::<(String, Option<std::time::Duration>)>(),
            "(String, Option<Duration>)"
        );
    }

    #[test]
    fn payloads_round_trip() {
        let text = encode(&("a", 1, [true])).unwrap();
        assert_eq!(text, r#"["a",1,[true]]"#);
        assert_eq!(
            decode::<(String, u32, [bool; 1])>(&text).unwrap(),
            ("a".to_owned(), 1, [true])
        );
    }
}
