//! Standard Webhooks, signed with the test kit for any id, timestamp, body
//! and key: a genuine delivery verifies; changing one byte of the body or
//! of the signature does not.
#![no_main]

use arbitrary::Arbitrary;
use claimkit::signature::{FixedClock, StandardWebhooks, Verifier};
use claimkit::testing::Signer;
use claimkit::Secret;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case {
    id: String,
    timestamp: u32,
    body: Vec<u8>,
    key: Vec<u8>,
    flip: usize,
    flip_signature: bool,
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
    // Header values must be visible ASCII: ids that are not are refused.
    if case.key.is_empty() || case.id.is_empty() || !case.id.bytes().all(|b| b.is_ascii_graphic()) {
        return;
    }
    let secret = format!("whsec_{}", base64(&case.key));
    let timestamp = u64::from(case.timestamp);
    let verifier = StandardWebhooks::new(Secret::new(secret.clone()).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(timestamp));
    let headers = Signer::standard(&secret)
        .unwrap()
        .with_id(case.id.clone())
        .with_timestamp(timestamp)
        .sign(&case.body);
    let verified = verifier
        .verify(&headers, &case.body)
        .expect("a genuine delivery verifies");
    assert_eq!(verified.delivery_id(), Some(case.id.as_str()));

    if case.flip_signature {
        let mut headers = headers.clone();
        let signature = &mut headers[2].1;
        let at = 3 + case.flip % (signature.len() - 3);
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
