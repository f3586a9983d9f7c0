//! One page of a listing, and where the next one starts.

use serde::{Deserialize, Serialize};

use crate::number;

/// One page of a listing: a claim's attempts
/// ([`ClaimAttemptsPage`](crate::ClaimAttemptsPage)), a plugin's errors
/// ([`PluginErrorsPage`](crate::PluginErrorsPage)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub docs: Vec<T>,
    /// Where the next page starts: pass it back as the `bookmark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bookmark: Option<String>,
    /// How many items there are in all, when the API counts them.
    #[serde(
        default,
        deserialize_with = "number::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The bookmark of the next page, or `None` on the last page (an empty
    /// page, or no bookmark).
    pub fn next_bookmark(&self) -> Option<&str> {
        match self.bookmark.as_deref() {
            Some(bookmark) if !bookmark.is_empty() && !self.docs.is_empty() => Some(bookmark),
            _ => None,
        }
    }
}
