//! Standard Webhooks `v1a` (Ed25519): known answers from an independent
//! signer, every negative case of the spec in its `v1a` form, the strict
//! rules, rotation, and headers that mix `v1` and `v1a`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use claimkit::signature::{FixedClock, PublicKey, StandardWebhooks, Verified, Verifier};
use claimkit::{Error, ErrorKind, Secret};

// Known answers, made with Python's `cryptography` (48.0), not with this
// crate or its Ed25519 dependency:
//
//   from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
//   from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
//   import base64
//   L = 2**252 + 27742317777372353535851937790883648493
//   msg = b'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}'
//   for seed in (bytes(range(32)), bytes(range(32, 64))):
//       k = Ed25519PrivateKey.from_private_bytes(seed)
//       pk = k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
//       sig = k.sign(msg)
//       s = int.from_bytes(sig[32:], "little")
//       print("whsk_" + base64.b64encode(seed).decode(), "whpk_" + base64.b64encode(pk).decode())
//       print("v1a," + base64.b64encode(sig).decode())
//       print("v1a," + base64.b64encode(sig[:32] + (s + L).to_bytes(32, "little")).decode())
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: u64 = 1_614_265_330;
const BODY: &[u8] = br#"{"test": 2432232314}"#;

const CURRENT_SK: &str = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const CURRENT_PK: &str = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
const CURRENT_SIG: &str =
    "v1a,yoUrgEkc12aGqm0n4Sydmdz55xJfTz4AsAgieHFjmkR7LJtqVCZOQYzvvHjI5kAey+r4iaBGxTFRrl2iBQxtDQ==";
/// `CURRENT_SIG` with `S + ℓ` in place of `S`: the same point equation, a
/// non-canonical scalar.
const CURRENT_SIG_S_PLUS_L: &str =
    "v1a,yoUrgEkc12aGqm0n4Sydmdz55xJfTz4AsAgieHFjmkRoAJHHbolgmWKMtBun4B8zy+r4iaBGxTFRrl2iBQxtHQ==";

const PREVIOUS_PK: &str = "whpk_Kay64UG8yvCyLhqU000LxzYeUm0L/hLIl5S8kyKWbdc=";
const PREVIOUS_SIG: &str =
    "v1a,V8EXERgKyJkqshfo9YHaq0jb2UfIPx862+hfyqxd7Hra3PNUNE5rt1tmiD/Fccfe7flg3r0KbYt+RNUU6ovmBw==";

// A signature under the current key whose `R` is the identity (a point of
// small order) and whose `S` is `k·a mod ℓ`: the cofactorless equation
// `[S]B = R + [k]A` holds, so only the small-order check refuses it. Made
// with plain integer arithmetic in Python:
//
//   import hashlib
//   h = hashlib.sha512(bytes(range(32))).digest()
//   a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
//   R = (1).to_bytes(32, "little")
//   k = int.from_bytes(hashlib.sha512(R + pk + msg).digest(), "little") % L
//   print("v1a," + base64.b64encode(R + (k * a % L).to_bytes(32, "little")).decode())
const SMALL_ORDER_R_SIG: &str =
    "v1a,AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlP53pWxQbhTFV2UldVf7AoyKagnsLfECYkf/56eHFCQ==";

/// The Standard Webhooks `v1` known answer, for mixed headers.
const V1_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const V1_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn key(text: &str) -> PublicKey {
    PublicKey::parse(text).unwrap()
}

fn verifier(keys: &[&str]) -> StandardWebhooks {
    StandardWebhooks::from_public_keys(keys.iter().map(|text| key(text)))
        .unwrap()
        .with_clock(FixedClock::at_unix(TS))
}

fn headers(signature: &str) -> Vec<(String, String)> {
    vec![
        ("webhook-id".into(), ID.into()),
        ("webhook-timestamp".into(), TS.to_string()),
        ("webhook-signature".into(), signature.into()),
    ]
}

/// Which key or secret a delivery signed with `signature` matched.
fn index(verifier: &StandardWebhooks, signature: &str) -> usize {
    let headers = headers(signature);
    let verified = verifier.verify(&headers, BODY).unwrap();
    verified.secret().index()
}

fn kind(result: Result<Verified<'_>, Error>) -> ErrorKind {
    result.expect_err("the delivery must be refused").kind()
}

/// `signature` (a `v1a,` entry) with one bit of its decoded bytes flipped.
fn flipped(signature: &str, byte: usize) -> String {
    let mut bytes = STANDARD
        .decode(signature.strip_prefix("v1a,").unwrap())
        .unwrap();
    bytes[byte] ^= 0x01;
    format!("v1a,{}", STANDARD.encode(bytes))
}

// ---------------------------------------------------------------------------
// Known answers

#[test]
fn known_answers_verify() {
    let headers_ = headers(CURRENT_SIG);
    let verified = verifier(&[CURRENT_PK]).verify(&headers_, BODY).unwrap();
    assert_eq!(verified.delivery_id(), Some(ID));
    assert_eq!(verified.timestamp(), Some(TS));
    assert_eq!(verified.secret().index(), 0);
    assert!(verifier(&[PREVIOUS_PK])
        .verify(&headers(PREVIOUS_SIG), BODY)
        .is_ok());
}

#[test]
fn keys_are_written_back_as_read() {
    assert_eq!(key(CURRENT_PK).to_string(), CURRENT_PK);
    // Padding is optional on input, as for `whsec_` secrets.
    let unpadded = CURRENT_PK.trim_end_matches('=');
    assert_eq!(key(unpadded), key(CURRENT_PK));
    assert_eq!(key(&format!("  {CURRENT_PK}\n")), key(CURRENT_PK));
    let list = PublicKey::parse_list(&format!("{CURRENT_PK}, {PREVIOUS_PK},")).unwrap();
    assert_eq!(list, [key(CURRENT_PK), key(PREVIOUS_PK)]);
}

// ---------------------------------------------------------------------------
// The negative cases of PROTOCOL §3, in their `v1a` form

#[test]
fn a_wrong_key_is_refused() {
    let only_previous = verifier(&[PREVIOUS_PK]);
    assert_eq!(
        kind(only_previous.verify(&headers(CURRENT_SIG), BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn a_flipped_bit_is_refused() {
    let verifier = verifier(&[CURRENT_PK]);
    // In R, in S, and in S's last byte.
    for byte in [0, 31, 32, 63] {
        let signature = flipped(CURRENT_SIG, byte);
        assert_eq!(
            kind(verifier.verify(&headers(&signature), BODY)),
            ErrorKind::InvalidSignature,
            "bit flipped in byte {byte}"
        );
    }
    // And in what is signed: the body, the id, the timestamp.
    assert!(verifier
        .verify(&headers(CURRENT_SIG), br#"{"test": 2432232315}"#)
        .is_err());
    let mut other_id = headers(CURRENT_SIG);
    other_id[0].1 = "msg_p5jXN8AQM9LWM0D4loKWxJeK".into();
    assert!(verifier.verify(&other_id, BODY).is_err());
    let mut other_ts = headers(CURRENT_SIG);
    other_ts[1].1 = (TS + 1).to_string();
    assert!(verifier.verify(&other_ts, BODY).is_err());
}

#[test]
fn a_truncated_signature_is_refused() {
    let verifier = verifier(&[CURRENT_PK]);
    for cut in [4 + 86, 4 + 84, 4 + 44, 4 + 1] {
        let signature = &CURRENT_SIG[..cut];
        assert_eq!(
            kind(verifier.verify(&headers(signature), BODY)),
            ErrorKind::InvalidSignature,
            "cut to {cut} characters"
        );
    }
    // `v1a,` alone.
    assert_eq!(
        kind(verifier.verify(&headers("v1a,"), BODY)),
        ErrorKind::InvalidSignature
    );
    // Too long: a 65th byte.
    let mut bytes = STANDARD.decode(&CURRENT_SIG[4..]).unwrap();
    bytes.push(0);
    let long = format!("v1a,{}", STANDARD.encode(bytes));
    assert!(verifier.verify(&headers(&long), BODY).is_err());
}

#[test]
fn a_non_canonical_signature_is_refused() {
    let verifier = verifier(&[CURRENT_PK]);
    assert_eq!(
        kind(verifier.verify(&headers(CURRENT_SIG_S_PLUS_L), BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn a_small_order_r_is_refused() {
    // The ordinary (cofactorless) check alone accepts it: this is what the
    // strict rule adds.
    use ed25519_dalek::ed25519::signature::Verifier as _;
    let raw = ed25519_dalek::VerifyingKey::from_bytes(&key(CURRENT_PK).to_bytes()).unwrap();
    let bytes: [u8; 64] = STANDARD
        .decode(&SMALL_ORDER_R_SIG[4..])
        .unwrap()
        .try_into()
        .unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    let message = [format!("{ID}.{TS}.").as_bytes(), BODY].concat();
    assert!(raw.verify(&message, &signature).is_ok());
    assert!(raw.verify_strict(&message, &signature).is_err());

    assert_eq!(
        kind(verifier(&[CURRENT_PK]).verify(&headers(SMALL_ORDER_R_SIG), BODY)),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn a_bad_prefix_is_refused() {
    let verifier = verifier(&[CURRENT_PK]);
    let body = &CURRENT_SIG[4..];
    for signature in [
        format!("v1,{body}"),
        format!("v1b,{body}"),
        format!("V1A,{body}"),
        format!("v1a{body}"),
        format!("v1a;{body}"),
        format!(",{body}"),
        body.to_owned(),
        format!("v2a,{body}"),
    ] {
        assert_eq!(
            kind(verifier.verify(&headers(&signature), BODY)),
            ErrorKind::InvalidSignature,
            "{signature}"
        );
    }
    // Unpadded base64 is not the spec's form.
    let unpadded = CURRENT_SIG.trim_end_matches('=');
    assert!(verifier.verify(&headers(unpadded), BODY).is_err());
}

#[test]
fn a_stale_timestamp_is_refused() {
    let at = |now| {
        StandardWebhooks::from_public_keys([key(CURRENT_PK)])
            .unwrap()
            .with_clock(FixedClock::at_unix(now))
    };
    for now in [TS + 301, TS - 301] {
        assert_eq!(
            kind(at(now).verify(&headers(CURRENT_SIG), BODY)),
            ErrorKind::StaleTimestamp
        );
    }
    for now in [TS + 299, TS - 299] {
        assert!(at(now).verify(&headers(CURRENT_SIG), BODY).is_ok());
    }
}

#[test]
fn missing_headers_and_decoys_are_refused_as_for_v1() {
    let verifier = verifier(&[CURRENT_PK]);
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let headers: Vec<_> = headers(CURRENT_SIG)
            .into_iter()
            .filter(|(n, _)| n != name)
            .collect();
        assert_eq!(
            kind(verifier.verify(&headers, BODY)),
            ErrorKind::MissingSignature,
            "{name}"
        );
    }
    let mut not_integer = headers(CURRENT_SIG);
    not_integer[1].1 = "1614265330.5".into();
    assert_eq!(
        kind(verifier.verify(&not_integer, BODY)),
        ErrorKind::MalformedSignature
    );
    let decoys = format!("{PREVIOUS_SIG} {CURRENT_SIG_S_PLUS_L} v1a,");
    assert_eq!(
        kind(verifier.verify(&headers(&decoys), BODY)),
        ErrorKind::InvalidSignature
    );
}

// ---------------------------------------------------------------------------
// Rotation and mixed headers

#[test]
fn rotation_with_two_keys() {
    let verifier = verifier(&[CURRENT_PK, PREVIOUS_PK]);
    assert_eq!(index(&verifier, CURRENT_SIG), 0);
    assert_eq!(index(&verifier, PREVIOUS_SIG), 1);
    // A sender signing with both during the rotation: either order.
    for both in [
        format!("{PREVIOUS_SIG} {CURRENT_SIG}"),
        format!("{CURRENT_SIG} {PREVIOUS_SIG}"),
    ] {
        assert!(verifier.verify(&headers(&both), BODY).is_ok());
    }
    // Once the previous key is dropped, its signatures stop passing.
    let after = self::verifier(&[CURRENT_PK]);
    assert!(after.verify(&headers(PREVIOUS_SIG), BODY).is_err());
}

#[test]
fn headers_mixing_v1_and_v1a() {
    let both = StandardWebhooks::new(Secret::new(V1_SECRET).unwrap())
        .unwrap()
        .with_public_keys([key(CURRENT_PK)])
        .with_clock(FixedClock::at_unix(TS));
    let bad_v1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    // A good `v1a` after a bad `v1`: numbered after the one secret.
    assert_eq!(index(&both, &format!("{bad_v1} {CURRENT_SIG}")), 1);
    // A good `v1` beside a broken `v1a`.
    let broken = flipped(CURRENT_SIG, 40);
    assert_eq!(index(&both, &format!("{broken} {V1_SIG}")), 0);
    // Neither good.
    assert_eq!(
        kind(both.verify(&headers(&format!("{bad_v1} {broken}")), BODY)),
        ErrorKind::InvalidSignature
    );

    // A receiver holding only public keys passes the `v1a` of a mixed
    // header and refuses the `v1` alone: it cannot check it.
    let public_only = verifier(&[CURRENT_PK]);
    assert!(public_only
        .verify(&headers(&format!("{V1_SIG} {CURRENT_SIG}")), BODY)
        .is_ok());
    let err = public_only.verify(&headers(V1_SIG), BODY).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(err.status(), 401);

    // A receiver holding only the secret passes the `v1` of a mixed header
    // and ignores the `v1a`.
    let secret_only = StandardWebhooks::new(Secret::new(V1_SECRET).unwrap())
        .unwrap()
        .with_clock(FixedClock::at_unix(TS));
    assert!(secret_only
        .verify(&headers(&format!("{CURRENT_SIG} {V1_SIG}")), BODY)
        .is_ok());
    assert!(secret_only.verify(&headers(CURRENT_SIG), BODY).is_err());
}

// ---------------------------------------------------------------------------
// Strict keys, and nothing leaked

#[test]
fn keys_are_parsed_strictly() {
    let refused = |text: &str| {
        let err = PublicKey::parse(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{text}");
        err.to_string()
    };
    let message = refused(CURRENT_SK);
    assert!(message.contains("private key"), "{message}");
    assert!(!message.contains(&CURRENT_SK[5..]), "the key is not echoed");
    assert!(refused(V1_SECRET).contains("whsec_"));
    // No prefix, a 31- or 33-byte key, not base64.
    refused(&CURRENT_PK[5..]);
    refused(&format!("whpk_{}", STANDARD.encode([7u8; 31])));
    refused(&format!("whpk_{}", STANDARD.encode([7u8; 33])));
    refused("whpk_!!!!");
    refused("whpk_");
    // y = 2 is not on the curve (no x solves the curve equation).
    refused("whpk_AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    // The identity, a small-order ("weak") key that would accept R = I,
    // S = 0 for any message.
    let weak = refused("whpk_AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert!(weak.contains("small-order"), "{weak}");

    assert_eq!(
        StandardWebhooks::from_public_keys([]).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    assert_eq!(
        PublicKey::parse_list(" , ").unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    assert!(PublicKey::parse_list(&format!("{CURRENT_PK},whpk_x")).is_err());
}

#[test]
fn no_signature_or_key_in_errors() {
    let verifier = verifier(&[CURRENT_PK]);
    let cases = [
        headers(&flipped(CURRENT_SIG, 3)),
        headers(CURRENT_SIG_S_PLUS_L),
        headers(V1_SIG),
    ];
    for headers in &cases {
        let err = verifier.verify(headers, BODY).unwrap_err();
        let shown = format!("{err} {err:?} {}", err.message());
        for secret in [&CURRENT_SIG[4..20], &CURRENT_PK[5..20], &V1_SIG[3..20]] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

// ---------------------------------------------------------------------------
// The same verdict as the crate's own strict check

proptest::proptest! {
    // Ed25519 is slow in a debug build: fewer cases than the default 256.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn agrees_with_verify_strict(
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
        at in 0usize..64,
        bit in 0u8..8,
        flip in proptest::prelude::any::<bool>(),
    ) {
        let signer = claimkit::testing::Signer::standard_ed25519(CURRENT_SK)
            .unwrap()
            .with_id(ID)
            .with_timestamp(TS);
        let mut headers = signer.sign(&body);
        let mut bytes: [u8; 64] = STANDARD
            .decode(&headers[2].1[4..])
            .unwrap()
            .try_into()
            .unwrap();
        if flip {
            bytes[at] ^= 1 << bit;
        }
        headers[2].1 = format!("v1a,{}", STANDARD.encode(bytes));
        let ours = verifier(&[CURRENT_PK]).verify(&headers, &body).is_ok();
        let raw = ed25519_dalek::VerifyingKey::from_bytes(&key(CURRENT_PK).to_bytes()).unwrap();
        let message = [format!("{ID}.{TS}.").as_bytes(), &body].concat();
        let theirs = raw
            .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&bytes))
            .is_ok();
        proptest::prop_assert_eq!(ours, theirs);
        proptest::prop_assert_eq!(ours, !flip);
    }
}
