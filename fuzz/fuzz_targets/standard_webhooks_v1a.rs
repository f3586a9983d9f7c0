//! Standard Webhooks `v1a` (Ed25519), for any private key, id, timestamp
//! and body: a delivery signed with the test kit verifies under its public
//! key; one byte changed in the body or the signature fails; any other
//! signature header is refused with 400 or 401; reading any text as a
//! public key never panics, and a key read is read again from its written
//! form.
#![no_main]

use arbitrary::Arbitrary;
use claimkit::signature::{FixedClock, PublicKey, StandardWebhooks, Verifier};
use claimkit::testing::{KeyPair, Signer};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case {
    seed: [u8; 32],
    id: String,
    timestamp: u32,
    body: Vec<u8>,
    flip: usize,
    flip_signature: bool,
    header: String,
    key_text: String,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fuzz_target!(|case: Case| {
    if let Ok(key) = PublicKey::parse(&case.key_text) {
        assert_eq!(PublicKey::parse(&key.to_string()).unwrap(), key);
    }
    // Header values must be visible ASCII: ids that are not are refused.
    if case.id.is_empty() || !case.id.bytes().all(|b| b.is_ascii_graphic()) {
        return;
    }
    let keys = KeyPair::parse(&format!("whsk_{}", base64(&case.seed))).unwrap();
    let timestamp = u64::from(case.timestamp);
    let verifier = StandardWebhooks::from_public_keys([keys.public_key()])
        .unwrap()
        .with_clock(FixedClock::at_unix(timestamp));
    let headers = Signer::standard_ed25519(&keys.private_key())
        .unwrap()
        .with_id(case.id.clone())
        .with_timestamp(timestamp)
        .sign(&case.body);
    let verified = verifier
        .verify(&headers, &case.body)
        .expect("a genuine delivery verifies");
    assert_eq!(verified.delivery_id(), Some(case.id.as_str()));

    let mut forged = headers.clone();
    forged[2].1 = case.header.clone();
    if let Err(err) = verifier.verify(&forged, &case.body) {
        assert!(matches!(err.status(), 400 | 401), "{err:?}");
    } else {
        // Only a header holding the genuine signature passes.
        assert!(case.header.contains(&headers[2].1), "{:?}", case.header);
    }

    if case.flip_signature {
        let mut headers = headers.clone();
        let signature = &mut headers[2].1;
        // Past `v1a,`, before the padding.
        let at = 4 + case.flip % (signature.len() - 6);
        let replacement = if signature.as_bytes()[at] == b'A' {
            "B"
        } else {
            "A"
        };
        signature.replace_range(at..=at, replacement);
        assert!(verifier.verify(&headers, &case.body).is_err());
    } else if !case.body.is_empty() {
        let mut body = case.body.clone();
        let at = case.flip % body.len();
        body[at] ^= 0x01;
        assert!(verifier.verify(&headers, &body).is_err());
    }
});
