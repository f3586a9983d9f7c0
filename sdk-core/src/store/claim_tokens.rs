//! Claim tokens: the `ClaimToken` preset, one token per attempt.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::expiry::Expiry;
use crate::{AttemptStatus, ClaimToken, Context, Error, Preset, Stateless};

/// Issues one-time claim tokens, one per claim attempt.
///
/// The platform marks a token used only if the whole claim succeeds, and
/// fails a claim whose token was used before; the issuer's job is to give a
/// retried attempt the token it already has.
pub trait ClaimTokens: Send + Sync {
    /// The token issued to `attempt_id`, issuing a new one the first time.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) when a shared
    /// store cannot be reached.
    fn issue(&self, attempt_id: &str) -> impl Future<Output = Result<String, Error>> + Send;
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
/// | simulation | a fresh token that is not stored |
/// | executing | the attempt's token (the same on a retry) |
/// | executing without an attempt id (legacy) | a fresh token |
/// | status webhook | `{}` |
///
/// # Errors
/// The issuer's errors.
///
/// ```
/// use claimkit::store::{claim_token, MemoryClaimTokens};
/// use claimkit::{Context, Preset};
/// # futures_executor::block_on(async {
/// let issuer = MemoryClaimTokens::default();
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
    if context.status() != &AttemptStatus::Executing {
        return Ok(Stateless.into());
    }
    let token = match context.attempt_id() {
        Some(attempt) if !context.is_simulation() => issuer.issue(attempt).await?,
        _ => random_token(),
    };
    Ok(ClaimToken::new(token).into())
}

/// The in-memory [`ClaimTokens`] issuer: random tokens
/// ([`random_token`]), remembered per attempt for a retention time (24 hours
/// by default) and at most `capacity` attempts.
#[derive(Debug)]
pub struct MemoryClaimTokens {
    capacity: usize,
    state: Mutex<TokenState>,
}

#[derive(Debug)]
struct TokenState {
    issued: HashMap<String, (String, Instant)>,
    expiry: Expiry,
}

impl MemoryClaimTokens {
    /// The default time a token is remembered for its attempt.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
    /// The default number of attempts remembered.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// An issuer remembering each attempt's token for `retention`, and at
    /// most `capacity` attempts (the oldest make room).
    pub fn new(retention: Duration, capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(TokenState {
                issued: HashMap::new(),
                expiry: Expiry::new(retention),
            }),
        }
    }

    /// How many attempts have a token remembered.
    pub fn len(&self) -> usize {
        self.lock().issued.len()
    }

    /// Whether no token is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TokenState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn issue_at(&self, attempt_id: &str, now: Instant) -> String {
        let mut state = self.lock();
        let TokenState { issued, expiry } = &mut *state;
        while let Some((deadline, old)) = expiry.pop_expired(now) {
            if issued.get(&old).map(|(_, d)| d) == Some(&deadline) {
                issued.remove(&old);
            }
        }
        if let Some((token, _)) = issued.get(attempt_id) {
            return token.clone();
        }
        while issued.len() >= self.capacity {
            match expiry.pop_oldest() {
                Some((deadline, old)) if issued.get(&old).map(|(_, d)| d) == Some(&deadline) => {
                    issued.remove(&old);
                }
                Some(_) => {}
                None => break,
            }
        }
        let token = random_token();
        let deadline = expiry.push(attempt_id.to_owned(), now);
        issued.insert(attempt_id.to_owned(), (token.clone(), deadline));
        token
    }
}

impl Default for MemoryClaimTokens {
    fn default() -> Self {
        Self::new(Self::DEFAULT_RETENTION, Self::DEFAULT_CAPACITY)
    }
}

impl ClaimTokens for MemoryClaimTokens {
    async fn issue(&self, attempt_id: &str) -> Result<String, Error> {
        Ok(self.issue_at(attempt_id, Instant::now()))
    }
}

impl<T: ClaimTokens + ?Sized> ClaimTokens for std::sync::Arc<T> {
    fn issue(&self, attempt_id: &str) -> impl Future<Output = Result<String, Error>> + Send {
        (**self).issue(attempt_id)
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
            let issuer = MemoryClaimTokens::default();
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
            assert_eq!(issuer.len(), 1, "simulations store nothing");

            let legacy = Context {
                claim_attempt_id: Some(String::new()),
                ..Context::default()
            };
            let a = token(claim_token(&issuer, &legacy).await.unwrap());
            let b = token(claim_token(&issuer, &legacy).await.unwrap());
            assert_ne!(a, b);
            assert_eq!(issuer.len(), 1);

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

    #[test]
    fn retention_and_capacity() {
        let issuer = MemoryClaimTokens::new(Duration::from_secs(10), 2);
        let t0 = Instant::now();
        let a = issuer.issue_at("a", t0);
        assert_eq!(issuer.issue_at("a", t0 + Duration::from_secs(9)), a);
        assert_ne!(issuer.issue_at("a", t0 + Duration::from_secs(10)), a);
        issuer.issue_at("b", t0 + Duration::from_secs(10));
        issuer.issue_at("c", t0 + Duration::from_secs(10));
        assert_eq!(issuer.len(), 2);
    }
}
