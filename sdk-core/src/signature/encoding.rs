//! How a signature's 32 bytes are written as text.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// An HMAC-SHA256 tag.
pub(crate) type Tag = [u8; TAG_LEN];

/// How a signature's bytes are written in its header.
///
/// ```
/// use claimkit::signature::{Encoding, HmacScheme};
///
/// let scheme = HmacScheme::new("x-signature").with_encoding(Encoding::Base64);
/// assert_eq!(scheme.encoding(), Encoding::Base64);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal, 64 digits. Read in either case, written in lowercase.
    #[default]
    Hex,
    /// Standard base64 (RFC 4648 §4) with `=` padding, 44 characters.
    Base64,
}

impl Encoding {
    /// Reads a 32-byte tag, or `None` when `text` is not exactly one tag in
    /// this encoding. Never allocates.
    pub(crate) fn decode(self, text: &[u8]) -> Option<Tag> {
        match self {
            Self::Hex => decode_hex(text),
            Self::Base64 => decode_base64(text),
        }
    }

    /// Writes `bytes` in this encoding.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                let mut text = String::with_capacity(bytes.len() * 2);
                for &b in bytes {
                    text.push(char::from(DIGITS[usize::from(b >> 4)]));
                    text.push(char::from(DIGITS[usize::from(b & 0xf)]));
                }
                text
            }
            Self::Base64 => STANDARD.encode(bytes),
        }
    }
}

fn decode_hex(text: &[u8]) -> Option<Tag> {
    if text.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u8;
    for (byte, pair) in tag.iter_mut().zip(text.chunks_exact(2)) {
        let (high, low) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        invalid |= high | low;
        *byte = (high << 4) | (low & 0x0f);
    }
    // A digit that is not hex maps to 0xff: any high bit marks it.
    (invalid & 0xf0 == 0).then_some(tag)
}

/// Each byte's value as a hex digit (either case), or `0xff`.
const NIBBLES: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

fn decode_base64(text: &[u8]) -> Option<Tag> {
    // 44 characters hold at most 33 bytes; anything longer cannot fit and
    // fails without being decoded.
    let mut out = [0u8; TAG_LEN + 1];
    match STANDARD.decode_slice(text, &mut out) {
        Ok(TAG_LEN) => {
            let mut tag = [0u8; TAG_LEN];
            tag.copy_from_slice(&out[..TAG_LEN]);
            Some(tag)
        }
        _ => None,
    }
}

/// The length of an Ed25519 signature in bytes.
pub(crate) const ED25519_SIGNATURE_LEN: usize = 64;

/// Reads a 64-byte Ed25519 signature written in standard base64 with its
/// padding (88 characters), or `None` when `text` is anything else: shorter,
/// longer, unpadded, or with stray trailing bits. Never allocates.
pub(crate) fn decode_ed25519_signature(text: &[u8]) -> Option<[u8; ED25519_SIGNATURE_LEN]> {
    let mut out = [0u8; ED25519_SIGNATURE_LEN + 1];
    match STANDARD.decode_slice(text, &mut out) {
        Ok(ED25519_SIGNATURE_LEN) => {
            let mut signature = [0u8; ED25519_SIGNATURE_LEN];
            signature.copy_from_slice(&out[..ED25519_SIGNATURE_LEN]);
            Some(signature)
        }
        _ => None,
    }
}

/// Decodes a standard-base64 key (padding optional), for secrets written
/// as `whsec_<base64>`.
pub(crate) fn decode_base64_key(text: &[u8]) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT
        .decode(text)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_in_either_case() {
        let tag: Tag = std::array::from_fn(|i| (i * 7) as u8);
        let text = Encoding::Hex.encode(&tag);
        assert_eq!(text.len(), 64);
        assert_eq!(Encoding::Hex.decode(text.as_bytes()), Some(tag));
        assert_eq!(
            Encoding::Hex.decode(text.to_uppercase().as_bytes()),
            Some(tag)
        );
        assert_eq!(Encoding::Hex.decode(&text.as_bytes()[..62]), None);
        let mut bad = text.into_bytes();
        bad[10] = b'g';
        assert_eq!(Encoding::Hex.decode(&bad), None);
    }

    #[test]
    fn base64_needs_exactly_one_canonical_tag() {
        let tag: Tag = std::array::from_fn(|i| (255 - i) as u8);
        let text = Encoding::Base64.encode(&tag);
        assert_eq!(text.len(), 44);
        assert_eq!(Encoding::Base64.decode(text.as_bytes()), Some(tag));
        // Unpadded, truncated, too long, or with stray trailing bits.
        assert_eq!(Encoding::Base64.decode(&text.as_bytes()[..43]), None);
        assert_eq!(Encoding::Base64.decode(&text.as_bytes()[..40]), None);
        assert_eq!(Encoding::Base64.decode(b""), None);
        let long = Encoding::Base64.encode(&[0u8; 33]);
        assert_eq!(Encoding::Base64.decode(long.as_bytes()), None);
        let longer = Encoding::Base64.encode(&[0u8; 64]);
        assert_eq!(Encoding::Base64.decode(longer.as_bytes()), None);
        let mut trailing = text.into_bytes();
        trailing[42] ^= 1;
        assert_eq!(Encoding::Base64.decode(&trailing), None);
    }

    #[test]
    fn ed25519_signatures_are_exactly_64_canonical_bytes() {
        let signature: [u8; 64] = std::array::from_fn(|i| (i * 3) as u8);
        let text = STANDARD.encode(signature);
        assert_eq!(text.len(), 88);
        assert_eq!(decode_ed25519_signature(text.as_bytes()), Some(signature));
        assert_eq!(decode_ed25519_signature(&text.as_bytes()[..86]), None);
        assert_eq!(decode_ed25519_signature(&text.as_bytes()[..44]), None);
        assert_eq!(decode_ed25519_signature(b""), None);
        let short = STANDARD.encode([0u8; 63]);
        assert_eq!(decode_ed25519_signature(short.as_bytes()), None);
        let long = STANDARD.encode([0u8; 65]);
        assert_eq!(decode_ed25519_signature(long.as_bytes()), None);
        let mut trailing = text.into_bytes();
        trailing[85] ^= 1;
        assert_eq!(decode_ed25519_signature(&trailing), None);
    }

    #[test]
    fn keys_decode_with_or_without_padding() {
        assert_eq!(decode_base64_key(b"AAE=").unwrap(), [0, 1]);
        assert_eq!(decode_base64_key(b"AAE").unwrap(), [0, 1]);
        assert_eq!(decode_base64_key(b"not base64!"), None);
    }
}
