//! Secrets, sets of accepted secrets, and constant-time comparison.

use std::fmt;
use std::sync::Arc;

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::{Error, ErrorKind};

/// A shared secret: the `pluginSecret` of a plugin, or a webhook signing key.
///
/// Its `Debug` output is redacted and its bytes are zeroized when the last
/// clone is dropped. It is never empty.
///
/// ```
/// use claimkit::Secret;
///
/// let secret = Secret::new("0f1e2d3c")?;
/// assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
/// assert!(Secret::new("").is_err());
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone)]
pub struct Secret(Arc<Zeroizing<Box<[u8]>>>);

impl Secret {
    /// Wraps the secret's bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when `bytes` is empty: an empty secret
    /// would accept any request that sends an empty one.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let bytes = Zeroizing::new(bytes.into().into_boxed_slice());
        if bytes.is_empty() {
            return Err(Error::with_message(
                ErrorKind::InvalidConfig,
                "a secret must not be empty",
            ));
        }
        Ok(Self(Arc::new(bytes)))
    }

    /// The secret's bytes. Handle with care: never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Whether `presented` equals this secret, compared in constant time.
    ///
    /// The time taken depends on the lengths of the two values, never on
    /// where they differ.
    pub fn matches(&self, presented: &[u8]) -> bool {
        self.expose().ct_eq(presented).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl TryFrom<&str> for Secret {
    type Error = Error;
    fn try_from(value: &str) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl TryFrom<String> for Secret {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Self::new(value)
    }
}

/// Which of a set of accepted secrets matched.
///
/// Index `0` is the current secret; higher indices are previous secrets still
/// accepted while a rotation is under way. A server can count matches of
/// previous secrets to learn when it is safe to stop accepting them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretMatch {
    index: usize,
}

impl SecretMatch {
    pub(crate) const fn new(index: usize) -> Self {
        Self { index }
    }

    /// The position of the matching secret in its set; `0` is the current one.
    pub fn index(self) -> usize {
        self.index
    }

    /// Whether the current secret matched (rather than a previous one).
    pub fn is_current(self) -> bool {
        self.index == 0
    }
}

/// The set of secrets a server accepts: the current one first, then any
/// previous ones still accepted during a rotation.
///
/// Cloning is cheap. [`Secrets::verify`] compares a presented value against
/// every secret in constant time, without stopping at the first match.
///
/// ```
/// use claimkit::{Secret, Secrets};
///
/// let secrets = Secrets::new(Secret::new("new-secret")?)
///     .with_previous(Secret::new("old-secret")?);
///
/// assert!(secrets.verify(b"new-secret").unwrap().is_current());
/// assert_eq!(secrets.verify(b"old-secret").unwrap().index(), 1);
/// assert!(secrets.verify(b"guess").is_none());
/// # Ok::<(), claimkit::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Secrets {
    list: Arc<[Secret]>,
}

impl Secrets {
    /// A set holding only the current secret.
    pub fn new(current: Secret) -> Self {
        Self {
            list: Arc::from([current]),
        }
    }

    /// Adds a previous secret that is still accepted.
    pub fn with_previous(self, previous: Secret) -> Self {
        let mut list = self.list.to_vec();
        list.push(previous);
        Self { list: list.into() }
    }

    /// The secrets, current first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Secret> {
        self.list.iter()
    }

    /// How many secrets are accepted.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always `false`: a set holds at least the current secret.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Which secret `presented` equals, if any.
    ///
    /// Every secret is compared, in constant time, whatever the outcome.
    pub fn verify(&self, presented: &[u8]) -> Option<SecretMatch> {
        let mut found = subtle::Choice::from(0);
        let mut index = 0u64;
        for (i, secret) in self.list.iter().enumerate() {
            let eq = secret.expose().ct_eq(presented);
            index.conditional_assign(&(i as u64), eq & !found);
            found |= eq;
        }
        bool::from(found).then(|| SecretMatch::new(index as usize))
    }

    /// Whether any of the secrets appears in `text`. Every window of `text`
    /// is compared with every secret, in constant time. Secrets shorter
    /// than 8 bytes are not looked for: such text is in ordinary words.
    pub(crate) fn appear_in(&self, text: &[u8]) -> bool {
        const SHORTEST: usize = 8;
        let mut found = subtle::Choice::from(0);
        for secret in self.list.iter() {
            let secret = secret.expose();
            if (SHORTEST..=text.len()).contains(&secret.len()) {
                for window in text.windows(secret.len()) {
                    found |= window.ct_eq(secret);
                }
            }
        }
        found.into()
    }
}

impl From<Secret> for Secrets {
    fn from(current: Secret) -> Self {
        Self::new(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::new("hunter2-hunter2").unwrap();
        let secrets = Secrets::new(secret.clone());
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert!(!format!("{secrets:?}").contains("hunter2"));
        assert!(!format!("{secrets:#?}").contains("hunter2"));
    }

    #[test]
    fn empty_secrets_are_refused() {
        let err = Secret::new(Vec::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(Secret::try_from("").is_err());
        assert!(Secret::try_from(String::from("x")).is_ok());
    }

    #[test]
    fn verify_reports_which_secret_matched() {
        let secrets = Secrets::new(Secret::new("aaaa").unwrap())
            .with_previous(Secret::new("bbbb").unwrap())
            .with_previous(Secret::new("cccc").unwrap());
        assert_eq!(secrets.len(), 3);
        assert!(!secrets.is_empty());
        assert_eq!(secrets.verify(b"aaaa"), Some(SecretMatch::new(0)));
        assert_eq!(secrets.verify(b"bbbb").map(SecretMatch::index), Some(1));
        assert_eq!(secrets.verify(b"cccc").map(SecretMatch::index), Some(2));
        assert!(!secrets.verify(b"cccc").unwrap().is_current());
        assert_eq!(secrets.verify(b"aaab"), None);
        assert_eq!(secrets.verify(b"aaa"), None);
        assert_eq!(secrets.verify(b"aaaaa"), None);
        assert_eq!(secrets.verify(b""), None);
    }

    #[test]
    fn the_first_listed_secret_wins_when_two_are_equal() {
        let secrets =
            Secrets::new(Secret::new("same").unwrap()).with_previous(Secret::new("same").unwrap());
        assert_eq!(secrets.verify(b"same").unwrap().index(), 0);
    }

    #[test]
    fn appear_in_finds_any_secret_anywhere() {
        let secrets = Secrets::new(Secret::new("current-1").unwrap())
            .with_previous(Secret::new("previous-0").unwrap());
        assert!(secrets.appear_in(b"current-1"));
        assert!(secrets.appear_in(b"key `xcurrent-1y`"));
        assert!(secrets.appear_in(b"the previous-0"));
        assert!(!secrets.appear_in(b"current-"));
        assert!(!secrets.appear_in(b""));
        // Too short to look for: "s" is in every other word.
        assert!(!Secrets::new(Secret::new("s").unwrap()).appear_in(b"a string"));
    }

    #[test]
    fn single_secret_matches() {
        let secret = Secret::new(vec![1, 2, 3]).unwrap();
        assert!(secret.matches(&[1, 2, 3]));
        assert!(!secret.matches(&[1, 2]));
        assert!(!secret.matches(&[1, 2, 4]));
        assert_eq!(secret.expose(), &[1, 2, 3]);
    }
}
