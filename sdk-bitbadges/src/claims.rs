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
    /// from `bookmark` (`None` for the first page), with the failed
    /// attempts when `include_errors`.
    ///
    /// One call returns a page of attempts, so checking many attempts of
    /// one claim costs fewer credits this way than one status call each.
    ///
    /// ```no_run
    /// use claimkit_bitbadges::Client;
    ///
    /// # async fn run(client: Client) -> Result<(), claimkit_bitbadges::Error> {
    /// let mut bookmark = None;
    /// loop {
    ///     let page = client.get_claim_attempts("claim-1", bookmark.as_deref(), true).await?;
    ///     for attempt in &page.docs {
    ///         println!("{} {:?} {}", attempt.claim_attempt_id, attempt.claim_number, attempt.success);
    ///     }
    ///     match page.next_bookmark() {
    ///         Some(next) => bookmark = Some(next.to_owned()),
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
        bookmark: Option<&str>,
        include_errors: bool,
    ) -> Result<ClaimAttemptsPage, Error> {
        let include_errors = if include_errors { "true" } else { "false" };
        let mut query = vec![("includeErrors", include_errors)];
        if let Some(bookmark) = bookmark {
            query.push(("bookmark", bookmark));
        }
        self.send(Call {
            route: "claim_attempts",
            method: Method::GET,
            path: &["api", "v0", "claims", claim_id, "attempts"],
            query: &query,
            body: None,
        })
        .await
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
