//! Any header values for every signature scheme: verification never panics
//! and refuses with 400 or 401; nothing verifies without the key.
#![no_main]

use arbitrary::Arbitrary;
use claimkit::signature::{HmacScheme, HmacVerifier, StandardWebhooks, Verifier};
use claimkit::Secret;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Delivery<'a> {
    headers: Vec<(u8, &'a [u8])>,
    body: &'a [u8],
}

const NAMES: [&str; 10] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-signature",
    "x-hub-signature-256",
    "stripe-signature",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-claimr-signature",
    "x-github-delivery",
];

fuzz_target!(|delivery: Delivery<'_>| {
    let headers: Vec<(&str, &[u8])> = delivery
        .headers
        .iter()
        .map(|(name, value)| (NAMES[usize::from(*name) % NAMES.len()], *value))
        .collect();
    let standard =
        StandardWebhooks::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap())
            .unwrap();
    check(&standard, &headers, delivery.body);
    for scheme in [
        HmacScheme::github(),
        HmacScheme::stripe(),
        HmacScheme::slack(),
        HmacScheme::claimr(),
    ] {
        let verifier = HmacVerifier::new(scheme, Secret::new("fuzz-secret").unwrap()).unwrap();
        check(&verifier, &headers, delivery.body);
    }
});

fn check(verifier: &impl Verifier, headers: &[(&str, &[u8])], body: &[u8]) {
    match verifier.verify(headers, body) {
        // A random input matching a real HMAC would be a bug (or a miracle).
        Ok(_) => panic!("a signature verified without the key"),
        Err(err) => assert!(matches!(err.status(), 400 | 401), "{err:?}"),
    }
}
