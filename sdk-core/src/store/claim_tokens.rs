//! Claim tokens: the `ClaimToken` preset, one token per attempt.

use std::future::Future;
use std::time::Duration;

use super::simulation_hold::{simulation_holder, warn_unkeyed, DEFAULT_SIMULATION_HOLD};
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

    /// The token issued to `attempt_id` (within its retention); else the
    /// token issued to `holder` (a simulation's hold, within its retention),
    /// handed over to `attempt_id` and kept for `retention` from now, so
    /// that `holder` holds none after; else `None`, changing nothing.
    ///
    /// Two calls racing for one attempt answer the same token; a backend
    /// that cannot make the hand-over one atomic step makes it safe to
    /// repeat: the attempt's token, once set, is never replaced.
    ///
    /// # Errors
    /// As [`issue`](Self::issue).
    fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> impl Future<Output = Result<Option<String>, Error>> + Send;
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
/// | simulation with `bitbadgesAddress` | the token held for its claim and address for [`DEFAULT_SIMULATION_HOLD`] (the same again for the same address) |
/// | simulation without an address | a fresh token that is not stored; a warning once per claim |
/// | executing | the attempt's token (the same on a retry), else the one its address's simulation holds, taken over |
/// | executing without an attempt id (legacy) | its address's simulation token, else a fresh token |
/// | status webhook | `{}`; its address's simulation token, if any, is kept for the attempt |
///
/// Since the platform may replay a simulation's answer instead of calling
/// again (the simulation is then the only call), the token a simulation
/// answers is the one the platform marks used: it is kept for the attempt
/// that replays it, and a simulation without an address cannot be.
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
    let holder = token_holder(context, scope);
    if context.attempt_status() != &AttemptStatus::Executing {
        if let (Some(holder), Some(key), false) =
            (&holder, scope.attempt_key(context), context.is_simulation())
        {
            issuer
                .take_over_token(holder, &key, DEFAULT_TOKEN_RETENTION)
                .await?;
        }
        return Ok(Stateless.into());
    }
    if context.is_simulation() {
        let token = match &holder {
            Some(holder) => issuer.issue(holder, DEFAULT_SIMULATION_HOLD).await?,
            None => {
                warn_unkeyed(context.claim_id.as_deref().unwrap_or(""), "claim token");
                random_token()
            }
        };
        return Ok(ClaimToken::new(token).into());
    }
    let key = scope
        .attempt_key(context)
        .unwrap_or_else(|| format!("anonymous:{}", random_token()));
    let taken = match &holder {
        Some(holder) => {
            issuer
                .take_over_token(holder, &key, DEFAULT_TOKEN_RETENTION)
                .await?
        }
        None => None,
    };
    let token = match taken {
        Some(token) => token,
        None if context.attempt_id().is_some() => {
            issuer.issue(&key, DEFAULT_TOKEN_RETENTION).await?
        }
        None => random_token(),
    };
    Ok(ClaimToken::new(token).into())
}

/// The key a simulation's token is held under: its claim, its instance
/// when `scope` keys per instance, and its address
/// (`"simulation:{claimId}[:{instanceId}]:{address}"`); `None` without an
/// address.
fn token_holder(context: &Context, scope: KeyScope) -> Option<String> {
    let address = simulation_holder(context)?;
    let claim = context.claim_id.as_deref().unwrap_or("");
    Some(match scope.instance(context) {
        Some(instance) => format!("{address}:{claim}:{instance}"),
        None => format!("{address}:{claim}"),
    })
}

impl<T: ClaimTokens + ?Sized> ClaimTokens for std::sync::Arc<T> {
    fn issue(
        &self,
        attempt_id: &str,
        retention: Duration,
    ) -> impl Future<Output = Result<String, Error>> + Send {
        (**self).issue(attempt_id, retention)
    }
    fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> impl Future<Output = Result<Option<String>, Error>> + Send {
        (**self).take_over_token(holder, attempt_id, retention)
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
