//! What a careful hand-written plugin does without claimkit: parse the same
//! fields, compare the secret in constant time, answer `{}`. The load
//! benchmarks compare the example servers with these.

use serde::Deserialize;
use subtle::ConstantTimeEq;

/// The context fields and inputs the example's fixture carries.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Call {
    plugin_secret: Option<String>,
    claim_id: Option<String>,
    claim_attempt_id: Option<String>,
    #[serde(rename = "_isSimulation")]
    is_simulation: Option<bool>,
    #[serde(rename = "_attemptStatus")]
    attempt_status: Option<String>,
    created_at: Option<u64>,
    last_updated: Option<u64>,
    version: Option<String>,
    locale: Option<String>,
    bitbadges_address: Option<String>,
    eth_address: Option<String>,
    is_address_signed_in: Option<bool>,
    assign_method: Option<String>,
    is_claim_number_assigner: Option<bool>,
    #[serde(rename = "_isQueueHandler")]
    is_queue_handler: Option<bool>,
    plugin_id: Option<String>,
    instance_id: Option<String>,
    code: Option<String>,
    tier: Option<u8>,
    referrer: Option<String>,
    starts_at: Option<u64>,
    tags: Option<Vec<String>>,
    note: Option<String>,
}

/// The status and body a hand-written handler answers a body with.
pub fn answer(body: &[u8], secret: &[u8]) -> (u16, &'static str) {
    let Ok(call) = serde_json::from_slice::<Call>(body) else {
        return (400, r#"{"message":"malformed request"}"#);
    };
    match call.plugin_secret {
        Some(presented) if bool::from(presented.as_bytes().ct_eq(secret)) => (200, "{}"),
        _ => (401, r#"{"message":"invalid plugin secret"}"#),
    }
}

/// `PLUGIN_SECRET`, or the examples' development secret.
pub fn secret() -> Vec<u8> {
    std::env::var("PLUGIN_SECRET")
        .unwrap_or_else(|_| "development-secret-change-me".to_owned())
        .into_bytes()
}
