//! The BitBadges API client, when `BITBADGES_API_KEY` is set: one client
//! and one call gate (budget and backoff) for every use of it:
//! reconciliation's checks, the feed of watched claims, and the
//! claim-number plugins reading an attempt's number from the record.

use std::sync::Arc;

use claimkit::platform::{CallGate, CallTerms, Gated};
use claimkit::ErrorKind;
use claimkit_bitbadges::Client;

/// The BitBadges API behind the call gate all its users share: clones of
/// one `Arc`, so a `429` any of them gets pauses them all, and their calls
/// count against one budget.
pub type PlatformApi = Arc<Gated<Client>>;

/// The client `BITBADGES_API_KEY` and `BITBADGES_API_URL` configure, behind
/// a [`CallGate`] of `calls`; `None` when the key is unset or empty.
///
/// # Errors
/// When the key or the URL is set but unusable (the message names the
/// variable, never the key).
pub fn platform_api(calls: CallTerms) -> Result<Option<PlatformApi>, claimkit::Error> {
    match std::env::var_os(claimkit_bitbadges::API_KEY_VAR) {
        Some(key) if !key.is_empty() => {}
        _ => return Ok(None),
    }
    let client = Client::from_env().map_err(|err| {
        claimkit::Error::with_message(ErrorKind::InvalidConfig, err.to_string()).with_source(err)
    })?;
    Ok(Some(Arc::new(Gated::new(client, CallGate::new(calls)))))
}
