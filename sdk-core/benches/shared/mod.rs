//! What the benchmarks measure, shared by the criterion benches and the
//! instruction counter (`counts.rs`).

#![allow(dead_code, unreachable_pub, missing_docs)]

use claimkit::signature::{HmacScheme, HmacVerifier, StandardWebhooks};
use claimkit::testing::Signer;
use claimkit::Secret;
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use subtle::ConstantTimeEq;

pub const SECRET: &str = "4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81";
pub const CURRENT: &[u8] = include_bytes!("../../tests/fixtures/current.json");
pub const LEGACY: &[u8] = include_bytes!("../../tests/fixtures/legacy-2024-07.json");

/// A plugin author's inputs for the current fixture.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct WelcomeInputs {
    code: String,
    tier: u8,
    referrer: String,
    starts_at: u64,
    tags: Vec<String>,
    note: Option<String>,
}

/// What a careful hand-written handler parses: the same context fields and
/// inputs, in one struct.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct HandWritten {
    plugin_secret: String,
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
    code: String,
    tier: u8,
    referrer: String,
    starts_at: u64,
    tags: Vec<String>,
    note: Option<String>,
}

/// The fixture's fields in the order they are written (a JSON map would
/// sort them).
pub fn fixture_fields(body: &[u8]) -> Vec<(String, serde_json::Value)> {
    struct Ordered(Vec<(String, serde_json::Value)>);
    impl<'de> Deserialize<'de> for Ordered {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Ordered;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Ordered, A::Error> {
                    let mut fields = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        fields.push(entry);
                    }
                    Ok(Ordered(fields))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_slice::<Ordered>(body).unwrap().0
}

pub fn hand_written(body: &[u8]) -> Option<HandWritten> {
    let parsed: HandWritten = serde_json::from_slice(body).ok()?;
    bool::from(parsed.plugin_secret.as_bytes().ct_eq(SECRET.as_bytes())).then_some(parsed)
}

/// The legacy body, by hand: its context fields as a JSON map.
pub fn hand_written_legacy(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    let secret = parsed.get("pluginSecret")?.as_str()?;
    bool::from(secret.as_bytes().ct_eq(SECRET.as_bytes())).then_some(parsed)
}

/// The current fixture as the platform sends it (compact, the plugin's
/// inputs, then `pluginSecret`, then the context), and the same body with
/// the secret moved first and last: the secret scan stops at the secret.
pub fn current_bodies() -> [(&'static str, Vec<u8>); 3] {
    let fields = fixture_fields(CURRENT);
    let compact = |fields: &[(String, serde_json::Value)]| {
        let text: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", serde_json::json!(k), v))
            .collect();
        format!("{{{}}}", text.join(",")).into_bytes()
    };
    let moved = |to_front: bool| {
        let mut fields = fields.clone();
        let at = fields
            .iter()
            .position(|(k, _)| k == "pluginSecret")
            .unwrap();
        let secret = fields.remove(at);
        if to_front {
            fields.insert(0, secret);
        } else {
            fields.push(secret);
        }
        compact(&fields)
    };
    [
        ("platform order", compact(&fields)),
        ("secret first", moved(true)),
        ("secret last", moved(false)),
    ]
}

pub type HmacSha256 = hmac::Hmac<sha2::Sha256>;

pub const GITHUB_SECRET: &str = "It's a Secret to Everybody";
pub const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What a careful hand-written verifier does: parse the header, decode the
/// hex, key an HMAC, hash the body, compare in constant time.
pub fn raw_hmac(key: &[u8], header: &str, body: &[u8]) -> bool {
    let Some(hex) = header.strip_prefix("sha256=") else {
        return false;
    };
    let mut expected = [0u8; 32];
    if hex.len() != 64 {
        return false;
    }
    for (i, byte) in expected.iter_mut().enumerate() {
        match u8::from_str_radix(&hex[2 * i..2 * i + 2], 16) {
            Ok(value) => *byte = value,
            Err(_) => return false,
        }
    }
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// A body of `size` bytes, the GitHub verifier and the delivery's headers.
pub fn github_delivery(size: usize) -> (Vec<u8>, HmacVerifier, Vec<(String, String)>) {
    let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let verifier =
        HmacVerifier::new(HmacScheme::github(), Secret::new(GITHUB_SECRET).unwrap()).unwrap();
    let headers = Signer::github(GITHUB_SECRET).sign(&body);
    (body, verifier, headers)
}

/// The Standard Webhooks vector's body, signed now: both libraries' clocks
/// accept it.
/// A Standard Webhooks delivery for both libraries: the body, our
/// verifier and headers, theirs and their header map.
pub struct StandardDelivery {
    pub body: &'static [u8],
    pub ours: StandardWebhooks,
    pub headers: Vec<(String, String)>,
    pub theirs: standardwebhooks::Webhook,
    pub map: http::HeaderMap,
}

pub fn standard_delivery() -> StandardDelivery {
    let body: &[u8] = br#"{"test": 2432232314}"#;
    let headers = Signer::standard(WHSEC)
        .unwrap()
        .with_id("msg_p5jXN8AQM9LWM0D4loKWxJek")
        .sign(body);
    let mut map = http::HeaderMap::new();
    for (name, value) in &headers {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    let theirs = standardwebhooks::Webhook::new(WHSEC).unwrap();
    theirs
        .verify(body, &map)
        .expect("the standardwebhooks crate accepts the delivery");
    let ours = StandardWebhooks::new(Secret::new(WHSEC).unwrap()).unwrap();
    StandardDelivery {
        body,
        ours,
        headers,
        theirs,
        map,
    }
}

/// A Standard Webhooks `v1a` (Ed25519) delivery of a body of `size` bytes,
/// with what the raw `ed25519-dalek` crate needs to check the same
/// signature over the same bytes.
pub struct Ed25519Delivery {
    pub body: Vec<u8>,
    pub ours: StandardWebhooks,
    pub headers: Vec<(String, String)>,
    pub key: ed25519_dalek::VerifyingKey,
    pub signature: ed25519_dalek::Signature,
    /// `{id}.{timestamp}.{body}`, joined once, as the raw crate takes it.
    pub message: Vec<u8>,
}

pub fn ed25519_delivery(size: usize) -> Ed25519Delivery {
    use base64::Engine as _;

    // A fixed key, so that every run verifies the same signature.
    let keys =
        claimkit::testing::KeyPair::parse("whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
            .unwrap();
    let body = br#"{"id":"lisjywHXKAq6yQe2bH6Pd","scope":"user_activity","xp":25}"#
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect::<Vec<u8>>();
    let headers = Signer::standard_ed25519(&keys.private_key())
        .unwrap()
        .with_id("msg_p5jXN8AQM9LWM0D4loKWxJek")
        .with_timestamp(1_614_265_330)
        .sign(&body);
    let ours = StandardWebhooks::from_public_keys([keys.public_key()])
        .unwrap()
        .with_clock(claimkit::signature::FixedClock::at_unix(1_614_265_330));
    let key = ed25519_dalek::VerifyingKey::from_bytes(&keys.public_key().to_bytes()).unwrap();
    let encoded = headers[2].1.strip_prefix("v1a,").unwrap();
    let bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap()
        .try_into()
        .unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    let message = [
        headers[0].1.as_bytes(),
        b".",
        headers[1].1.as_bytes(),
        b".",
        &body,
    ]
    .concat();
    key.verify_strict(&message, &signature)
        .expect("the raw crate accepts the delivery");
    Ed25519Delivery {
        body,
        ours,
        headers,
        key,
        signature,
        message,
    }
}
