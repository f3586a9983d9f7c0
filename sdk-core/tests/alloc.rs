//! Verifying a webhook allocates nothing: the body is hashed where it lies,
//! keys are prepared once, signatures are decoded on the stack.
//!
//! `allocation-counter` replaces this test binary's global allocator and
//! counts the allocations made on the measuring thread.
#![cfg(feature = "testing")]

use claimkit::signature::{HmacScheme, HmacVerifier, StandardWebhooks, Verifier};
use claimkit::testing::{Fault, KeyPair, Signer};
use claimkit::Secret;

type Headers = Vec<(String, String)>;
/// A verifier behind one signature, so that every scheme is checked alike.
type Verify = Box<dyn Fn(&Headers, &[u8]) -> bool>;

/// How many allocations `f` makes.
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

#[test]
fn verifying_allocates_nothing() {
    let body = br#"{"id":"lisjywHXKAq6yQe2bH6Pd","scope":"user_activity","xp":25}"#.repeat(300);
    let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let standard = StandardWebhooks::new(Secret::new(whsec).unwrap()).unwrap();
    let signer = Signer::standard(whsec).unwrap();
    let mut cases: Vec<(Verify, Headers, Headers)> = vec![(
        Box::new(move |h, b| standard.verify(h, b).is_ok()),
        signer.sign(&body),
        signer.with_fault(Fault::FlippedByte).sign(&body),
    )];
    let keys = KeyPair::generate();
    let ed25519 = StandardWebhooks::from_public_keys([keys.public_key()]).unwrap();
    let signer = Signer::standard_ed25519(&keys.private_key()).unwrap();
    cases.push((
        Box::new(move |h, b| ed25519.verify(h, b).is_ok()),
        signer.sign(&body),
        signer.with_fault(Fault::FlippedByte).sign(&body),
    ));
    for scheme in [
        HmacScheme::github(),
        HmacScheme::stripe(),
        HmacScheme::slack(),
        HmacScheme::claimr(),
    ] {
        let verifier = HmacVerifier::new(scheme.clone(), Secret::new("s3cret").unwrap()).unwrap();
        let good = Signer::hmac(scheme.clone(), "s3cret").sign(&body);
        let bad = Signer::hmac(scheme, "s3cret")
            .with_fault(Fault::WrongSecret)
            .sign(&body);
        cases.push((
            Box::new(move |h, b| verifier.verify(h, b).is_ok()),
            good,
            bad,
        ));
    }
    for (i, (verify, good, bad)) in cases.iter().enumerate() {
        assert!(verify(good, &body), "scheme {i} accepts its own signature");
        assert!(!verify(bad, &body), "scheme {i} refuses a broken one");
        let mut ok = false;
        assert_eq!(
            allocations(|| ok = verify(good, &body)),
            0,
            "scheme {i}: passing allocates"
        );
        assert!(ok);
        assert_eq!(
            allocations(|| ok = verify(bad, &body)),
            0,
            "scheme {i}: failing allocates"
        );
        assert!(!ok);
    }
    // The counter counts.
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![1u8; 10]))), 1);
}
