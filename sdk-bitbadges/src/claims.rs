//! The claim routes: one attempt's status, and a claim's attempts page by
//! page.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Call;
use crate::{number, Client, Error, Page};

/// How one claim attempt ended, as `getClaimAttemptStatus` answers.
///
/// Only a decoded answer says that an attempt failed (`success: false`);
/// an attempt the API does not know yet is an [`Error`] of kind
/// [`NotKnownYet`](crate::ErrorKind::NotKnownYet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClaimAttemptStatus {
    /// Whether the attempt succeeded.
    pub success: bool,
    /// Why it failed; empty or absent when it succeeded.
    #[serde(default)]
    pub error: Option<String>,
    /// A machine-readable code for the failure, when the API gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The address that made the attempt (`bb1…`).
    pub bitbadges_address: String,
}

/// One attempt of a claim, as `getClaimAttempts` lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClaimAttempt {
    /// The attempt's id: the `claimAttemptId` the plugin was called with.
    pub claim_attempt_id: String,
    /// Whether the attempt succeeded.
    pub success: bool,
    /// The claim number the platform assigned to the attempt; absent when
    /// the API gives none (a failed attempt may have none).
    #[serde(default, deserialize_with = "number::optional")]
    pub claim_number: Option<u64>,
    /// The claim's id.
    #[serde(default)]
    pub claim_id: String,
    /// The address that made the attempt (`bb1…`).
    pub bitbadges_address: String,
    /// When the attempt was made, in UNIX milliseconds.
    #[serde(deserialize_with = "number::required")]
    pub attempted_at: u64,
    /// Why it failed, for a failed attempt (listed with `include_errors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The plugins' recorded inputs by instance id, when asked for and
    /// recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One page of a claim's attempts.
pub type ClaimAttemptsPage = Page<ClaimAttempt>;

impl Client {
    /// How a claim attempt ended: `POST /api/v0/claims/status/{claimAttemptId}`
    /// (the official SDK sends `POST` with no body).
    ///
    /// ```no_run
    /// use claimkit_bitbadges::{Client, ErrorKind};
    ///
    /// # async fn run(client: Client) -> Result<(), claimkit_bitbadges::Error> {
    /// match client.get_claim_attempt_status("6a1f0c").await {
    ///     Ok(status) if status.success => println!("claimed by {}", status.bitbadges_address),
    ///     Ok(status) => println!("failed: {}", status.error.unwrap_or_default()),
    ///     Err(err) if err.kind() == ErrorKind::NotKnownYet => println!("ask again later"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`NotKnownYet`](crate::ErrorKind::NotKnownYet) when the API has no
    /// record of the attempt yet (`"No doc found"`) or answers `5xx`; the
    /// other kinds of [`ErrorKind`](crate::ErrorKind) as they say.
    pub async fn get_claim_attempt_status(
        &self,
        claim_attempt_id: &str,
    ) -> Result<ClaimAttemptStatus, Error> {
        self.send(Call {
            route: "claim_attempt_status",
            method: Method::POST,
            path: &["api", "v0", "claims", "status", claim_attempt_id],
            query: &[],
            body: None,
        })
        .await
    }

    /// One page of a claim's attempts: `GET /api/v0/claims/{claimId}/attempts`,
    /// as `query` asks (from its bookmark, with or without the failed
    /// attempts, for one address).
    ///
    /// One call returns a page of attempts, so checking many attempts of
    /// one claim costs fewer credits this way than one status call each.
    ///
    /// ```no_run
    /// use claimkit_bitbadges::{ClaimAttemptsQuery, Client};
    ///
    /// # async fn run(client: Client) -> Result<(), claimkit_bitbadges::Error> {
    /// let mut query = ClaimAttemptsQuery::new().with_errors(true);
    /// loop {
    ///     let page = client.get_claim_attempts("claim-1", &query).await?;
    ///     for attempt in &page.docs {
    ///         println!("{} {:?} {}", attempt.claim_attempt_id, attempt.claim_number, attempt.success);
    ///     }
    ///     match page.next_bookmark() {
    ///         Some(next) => query = query.with_bookmark(next),
    ///         None => break,
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// The kinds of [`ErrorKind`](crate::ErrorKind) as they say.
    pub async fn get_claim_attempts(
        &self,
        claim_id: &str,
        query: &ClaimAttemptsQuery,
    ) -> Result<ClaimAttemptsPage, Error> {
        self.send(Call {
            route: "claim_attempts",
            method: Method::GET,
            path: &["api", "v0", "claims", claim_id, "attempts"],
            query: &query.pairs(),
            body: None,
        })
        .await
    }
}

/// What [`Client::get_claim_attempts`] asks for: which page, which
/// attempts.
///
/// ```
/// use claimkit_bitbadges::ClaimAttemptsQuery;
///
/// let query = ClaimAttemptsQuery::new()
///     .with_errors(true)
///     .with_address("bb1alice")
///     .with_bookmark("page-2");
/// assert_eq!(query.bookmark(), Some("page-2"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimAttemptsQuery {
    bookmark: Option<String>,
    include_errors: bool,
    address: Option<String>,
    include_attempt_data: bool,
}

impl ClaimAttemptsQuery {
    /// The first page of the successful attempts.
    pub fn new() -> Self {
        Self::default()
    }

    /// From this page on (`bookmark` of the page before).
    pub fn with_bookmark(mut self, bookmark: impl Into<String>) -> Self {
        self.bookmark = Some(bookmark.into());
        self
    }

    /// With the failed attempts too (`includeErrors`).
    pub fn with_errors(mut self, include_errors: bool) -> Self {
        self.include_errors = include_errors;
        self
    }

    /// Only the attempts of this address (`address`).
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// With the plugins' recorded inputs of each attempt
    /// (`includeRequestBinAttemptData`), in [`ClaimAttempt::attempt_data`].
    pub fn with_attempt_data(mut self, include_attempt_data: bool) -> Self {
        self.include_attempt_data = include_attempt_data;
        self
    }

    /// The page it starts from; `None` for the first.
    pub fn bookmark(&self) -> Option<&str> {
        self.bookmark.as_deref()
    }

    /// The query string's pairs, named as the API names them.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![(
            "includeErrors",
            if self.include_errors { "true" } else { "false" },
        )];
        if let Some(bookmark) = &self.bookmark {
            pairs.push(("bookmark", bookmark));
        }
        if let Some(address) = &self.address {
            pairs.push(("address", address));
        }
        if self.include_attempt_data {
            pairs.push(("includeRequestBinAttemptData", "true"));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_decodes_numbers_as_numbers_or_strings() {
        let page: ClaimAttemptsPage = serde_json::from_str(
            r#"{"docs":[
                {"success":true,"attemptedAt":1765000000000,"claimId":"c1",
                 "bitbadgesAddress":"bb1a","claimAttemptId":"a1","claimNumber":0},
                {"success":false,"attemptedAt":"1765000000001","claimId":"c1",
                 "bitbadgesAddress":"bb1b","claimAttemptId":"a2","claimNumber":"7",
                 "error":"Claim number already used: 7"},
                {"success":false,"attemptedAt":1765000000002,"claimId":"c1",
                 "bitbadgesAddress":"bb1c","claimAttemptId":"a3","claimNumber":null}
            ],"bookmark":"b2","total":"3"}"#,
        )
        .unwrap();
        assert_eq!(page.docs.len(), 3);
        assert_eq!(page.docs[0].claim_number, Some(0));
        assert_eq!(page.docs[1].claim_number, Some(7));
        assert_eq!(page.docs[1].attempted_at, 1_765_000_000_001);
        assert_eq!(page.docs[2].claim_number, None);
        assert_eq!(page.total, Some(3));
        assert_eq!(page.next_bookmark(), Some("b2"));
    }

    #[test]
    fn a_negative_or_fractional_number_is_an_error() {
        for number in ["-1", "1.5", r#""x""#] {
            let json = format!(
                r#"{{"success":true,"attemptedAt":1,"bitbadgesAddress":"bb1a",
                    "claimAttemptId":"a1","claimNumber":{number}}}"#
            );
            assert!(
                serde_json::from_str::<ClaimAttempt>(&json).is_err(),
                "{number}"
            );
        }
    }

    #[test]
    fn the_last_page_has_no_next_bookmark() {
        let empty: ClaimAttemptsPage =
            serde_json::from_str(r#"{"docs":[],"bookmark":"b9"}"#).unwrap();
        assert_eq!(empty.next_bookmark(), None);
        let unmarked: ClaimAttemptsPage = serde_json::from_str(
            r#"{"docs":[{"success":true,"attemptedAt":1,"bitbadgesAddress":"bb1a",
                "claimAttemptId":"a1","claimNumber":1}],"bookmark":""}"#,
        )
        .unwrap();
        assert_eq!(unmarked.next_bookmark(), None);
    }

    #[test]
    fn a_status_needs_success_and_address() {
        let status: ClaimAttemptStatus =
            serde_json::from_str(r#"{"success":true,"error":"","bitbadgesAddress":"bb1a"}"#)
                .unwrap();
        assert!(status.success);
        assert!(serde_json::from_str::<ClaimAttemptStatus>(r#"{"error":""}"#).is_err());
    }
}
