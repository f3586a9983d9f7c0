//! The presented `pluginSecret`, checked the same way for a JSON body and a
//! query string.

use crate::{Error, ErrorKind, SecretMatch, Secrets};

/// Checks a presented secret: absent or empty is missing, anything else must
/// match one of `secrets`.
pub(super) fn verify(presented: Option<&[u8]>, secrets: &Secrets) -> Result<SecretMatch, Error> {
    match presented {
        None | Some([]) => Err(Error::new(ErrorKind::MissingSecret)),
        Some(presented) => secrets
            .verify(presented)
            .ok_or_else(|| Error::new(ErrorKind::InvalidSecret)),
    }
}
