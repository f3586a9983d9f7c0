//! Claim tokens in memory.

use std::time::{Duration, Instant};

use super::schema::Entry;
use super::store::MemoryStore;
use crate::store::{random_token, ClaimTokens};
use crate::Error;

impl MemoryStore {
    pub(super) fn issue_at(
        &self,
        attempt: &str,
        retention: Duration,
        now: Instant,
    ) -> Result<String, Error> {
        let mut state = self.lock();
        state.expire(now);
        if let Some((token, _)) = state.tokens.get(attempt) {
            return Ok(token.clone());
        }
        self.make_room(&mut state, now)?;
        let token = random_token();
        let until = now + retention;
        state
            .tokens
            .insert(attempt.to_owned(), (token.clone(), until));
        state
            .deadlines
            .insert((until, Entry::Token(attempt.to_owned())));
        Ok(token)
    }
}

impl MemoryStore {
    pub(super) fn take_over_token_at(
        &self,
        holder: &str,
        attempt: &str,
        retention: Duration,
        now: Instant,
    ) -> Option<String> {
        let mut state = self.lock();
        state.expire(now);
        if let Some((token, _)) = state.tokens.get(attempt) {
            return Some(token.clone());
        }
        let (token, until) = state.tokens.remove(holder)?;
        state
            .deadlines
            .remove(&(until, Entry::Token(holder.to_owned())));
        let until = now + retention;
        state
            .tokens
            .insert(attempt.to_owned(), (token.clone(), until));
        state
            .deadlines
            .insert((until, Entry::Token(attempt.to_owned())));
        Some(token)
    }
}

impl ClaimTokens for MemoryStore {
    async fn issue(&self, attempt_id: &str, retention: Duration) -> Result<String, Error> {
        self.issue_at(attempt_id, retention, self.now())
    }

    async fn take_over_token(
        &self,
        holder: &str,
        attempt_id: &str,
        retention: Duration,
    ) -> Result<Option<String>, Error> {
        Ok(self.take_over_token_at(holder, attempt_id, retention, self.now()))
    }
}
