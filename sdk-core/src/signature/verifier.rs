//! The one trait every signature scheme implements.

use std::sync::Arc;

use super::{Headers, Verified};
use crate::Error;

/// Checks a delivery's signature from its headers and raw body.
///
/// Implemented by [`StandardWebhooks`](super::StandardWebhooks) and
/// [`HmacVerifier`](super::HmacVerifier), and by `Arc` of any verifier, so
/// that a tower layer or an actix middleware can be generic over the scheme
/// and share one verifier between workers.
///
/// The body is the exact bytes received, before any parsing; it is hashed
/// where it lies. Verification never allocates when it succeeds.
///
/// ```
/// use claimkit::signature::{HmacScheme, HmacVerifier, Verifier};
/// use claimkit::Secret;
///
/// fn check(verifier: &impl Verifier, headers: &[(&str, &str)], body: &[u8]) -> u16 {
///     match verifier.verify(headers, body) {
///         Ok(_) => 200,
///         Err(err) => err.status(),
///     }
/// }
///
/// let github = HmacVerifier::new(
///     HmacScheme::github(),
///     Secret::new("It's a Secret to Everybody")?,
/// )?;
/// let headers = [(
///     "x-hub-signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// assert_eq!(check(&github, &headers, b"Hello, World!"), 200);
/// assert_eq!(check(&github, &headers, b"Hello, World?"), 401);
/// assert_eq!(check(&github, &[], b"Hello, World!"), 400);
/// # Ok::<(), claimkit::Error>(())
/// ```
pub trait Verifier: Send + Sync + 'static {
    /// Verifies one delivery.
    ///
    /// # Errors
    /// - [`MissingSignature`](crate::ErrorKind::MissingSignature) (`400`):
    ///   a header the scheme needs is absent or empty.
    /// - [`MalformedSignature`](crate::ErrorKind::MalformedSignature)
    ///   (`400`): a header is duplicated, not ASCII, or not in the scheme's
    ///   form (a timestamp that is not an integer, a missing prefix).
    /// - [`StaleTimestamp`](crate::ErrorKind::StaleTimestamp) (`401`): the
    ///   signed timestamp is outside the tolerance.
    /// - [`InvalidSignature`](crate::ErrorKind::InvalidSignature) (`401`):
    ///   no signature matches any accepted secret.
    fn verify<'a, H: Headers + ?Sized>(
        &self,
        headers: &'a H,
        body: &'a [u8],
    ) -> Result<Verified<'a>, Error>;
}

impl<V: Verifier> Verifier for Arc<V> {
    fn verify<'a, H: Headers + ?Sized>(
        &self,
        headers: &'a H,
        body: &'a [u8],
    ) -> Result<Verified<'a>, Error> {
        (**self).verify(headers, body)
    }
}
