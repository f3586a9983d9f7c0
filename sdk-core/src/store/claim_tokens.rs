//! Claim tokens: the `ClaimToken` preset, one token per attempt.

use std::future::Future;
use std::time::Duration;

use crate::{AttemptStatus, ClaimToken, Context, Error, KeyScope, Preset, Stateless};

/// How long a store remembers the token it issued to an attempt, so that
/// the attempt's retries get it again: 24 hours.
pub const DEFAULT_TOKEN_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// Issues one-time claim tokens, one per claim attempt.
///
/// The platform marks a token used only if the whole claim succeeds, and
/// fails a claim whose token was used before; the issuer's job is to give a
/// retried attempt the token it already has.
///
/// # What an implementation guarantees
///
/// - One token per attempt: concurrent first calls for one attempt all get
///   the same token (issuing is one atomic step).
/// - Tokens are [`random_token`]s: 128 random bits, never a `.`.
/// - The token is remembered for `retention` by the store's clock, then
///   forgotten; `Ok` means durable (see the [module docs](crate::store)).
pub trait ClaimTokens: Send + Sync {
    /// The token issued to `attempt_id` (an attempt's key: its
    /// `claimAttemptId`, or with its `instanceId` per
    /// [`KeyScope::Instance`]), issuing a new one the first time
    /// and remembering it for `retention`.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when the
    /// store is full or cannot be reached.
    fn issue(
        &self,
        attempt_id: &str,
        retention: Duration,
    ) -> impl Future<Output = Result<String, Error>> + Send;
}

/// 128 random bits from the operating system, as 32 lowercase hex digits:
/// URL-safe, and never a `.`.
///
/// ```
/// let token = claimkit::store::random_token();
/// assert_eq!(token.len(), 32);
/// assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
/// ```
///
/// # Panics
/// If the operating system has no random number source, which no supported
/// platform lacks.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random number source failed");
    let mut token = String::with_capacity(32);
    for byte in bytes {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        token.push(HEX[usize::from(byte >> 4)] as char);
        token.push(HEX[usize::from(byte & 0xf)] as char);
    }
    token
}

/// Answers a `ClaimToken` plugin call by the protocol's rules:
///
/// | call | answer |
/// |---|---|
/// | simulation | a fresh token that is not stored (the preset's field, with no side effect) |
/// | executing | the attempt's token (the same on a retry) |
/// | executing without an attempt id (legacy) | a fresh token |
/// | status webhook | `{}` |
///
/// # Errors
/// The issuer's errors.
///
/// ```
/// use claimkit::store::{claim_token, MemoryStore};
/// use claimkit::{Context, Preset};
/// # futures_executor::block_on(async {
/// let issuer = MemoryStore::default();
/// let mut attempt = Context::default();
/// attempt.claim_attempt_id = Some("a1".into());
/// let first = claim_token(&issuer, &attempt).await?;
/// assert!(matches!(first, Preset::ClaimToken(_)));
/// assert_eq!(claim_token(&issuer, &attempt).await?, first);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn claim_token<T: ClaimTokens + ?Sized>(
    issuer: &T,
    context: &Context,
) -> Result<Preset, Error> {
    claim_token_with(issuer, context, KeyScope::Attempt).await
}

/// [`claim_token`], keyed by `scope`: a plugin registered with
/// `duplicatesAllowed` keys per instance, so that each instance in a claim
/// issues a token of its own (kept under
/// `"{claimAttemptId}:{instanceId}"`).
///
/// # Errors
/// The issuer's errors.
///
/// ```
/// use claimkit::store::{claim_token_with, MemoryStore};
/// use claimkit::{Context, KeyScope, Preset};
/// # futures_executor::block_on(async {
/// let issuer = MemoryStore::default();
/// let mut first = Context::default();
/// first.claim_attempt_id = Some("a1".into());
/// first.instance_id = Some("first".into());
/// let mut second = first.clone();
/// second.instance_id = Some("second".into());
/// let scope = KeyScope::Instance;
/// let token = claim_token_with(&issuer, &first, scope).await?;
/// assert_ne!(claim_token_with(&issuer, &second, scope).await?, token);
/// assert_eq!(claim_token_with(&issuer, &first, scope).await?, token);
/// # Ok::<(), claimkit::Error>(())
/// # }).unwrap();
/// ```
pub async fn claim_token_with<T: ClaimTokens + ?Sized>(
    issuer: &T,
    context: &Context,
    scope: KeyScope,
) -> Result<Preset, Error> {
    if context.attempt_status() != &AttemptStatus::Executing {
        return Ok(Stateless.into());
    }
    let token = match scope.attempt_key(context) {
        Some(key) if !context.is_simulation() => {
            issuer.issue(&key, DEFAULT_TOKEN_RETENTION).await?
        }
        _ => random_token(),
    };
    Ok(ClaimToken::new(token).into())
}

impl<T: ClaimTokens + ?Sized> ClaimTokens for std::sync::Arc<T> {
    fn issue(
        &self,
        attempt_id: &str,
        retention: Duration,
    ) -> impl Future<Output = Result<String, Error>> + Send {
        (**self).issue(attempt_id, retention)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Respond;
    use futures_executor::block_on;
    use std::collections::HashSet;

    fn token(preset: Preset) -> String {
        match preset {
            Preset::ClaimToken(token) => token.as_str().to_owned(),
            other => panic!("expected a token, got {other:?}"),
        }
    }

    #[test]
    fn the_protocol_flow() {
        block_on(async {
            let issuer = crate::store::MemoryStore::default();
            let attempt = Context {
                claim_attempt_id: Some("a".into()),
                ..Context::default()
            };
            let first = token(claim_token(&issuer, &attempt).await.unwrap());
            assert_eq!(token(claim_token(&issuer, &attempt).await.unwrap()), first);

            let mut sim = attempt.clone();
            sim.simulation = Some(true);
            let simulated = token(claim_token(&issuer, &sim).await.unwrap());
            assert_ne!(simulated, first);
            assert_eq!(issuer.tokens(), 1, "simulations store nothing");

            let legacy = Context {
                claim_attempt_id: Some(String::new()),
                ..Context::default()
            };
            let a = token(claim_token(&issuer, &legacy).await.unwrap());
            let b = token(claim_token(&issuer, &legacy).await.unwrap());
            assert_ne!(a, b);
            assert_eq!(issuer.tokens(), 1);

            let mut done = attempt.clone();
            done.attempt_status = Some(AttemptStatus::Success);
            assert_eq!(
                claim_token(&issuer, &done).await.unwrap(),
                Preset::Stateless
            );

            let rendered = ClaimToken::new(first).render().unwrap();
            assert_eq!(rendered.status(), 200);
        });
    }

    #[test]
    fn tokens_are_random_and_dot_free() {
        let tokens: HashSet<String> = (0..1000).map(|_| random_token()).collect();
        assert_eq!(tokens.len(), 1000);
        for token in &tokens {
            assert_eq!(token.len(), 32);
            assert!(token
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        }
    }
}
